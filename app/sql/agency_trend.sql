-- Trends per agency: the headline figures of every report of the selection's agencies, every year, 本级 and 汇总
-- reports apart (the page draws them as separate series, and a missing year as a gap).
SELECT agency_id, label, agency_name, year, scope, scope_zh,
       active_total, received, review_total, lit_total, staff_total,
       CASE WHEN closed > 0 THEN on_time / closed END AS on_time_rate,
       granted / nullif(answered, 0) AS granted_share, denied / nullif(answered, 0) AS denied_share,
       review_corrected / nullif(coalesce(review_upheld, 0) + coalesce(review_corrected, 0)
                                 + coalesce(review_other, 0), 0) AS review_rate,
       100 * review_total / nullif(received, 0) AS review_per_100,
       100 * lit_total / nullif(received, 0) AS lit_per_100
FROM selected($filters)
ORDER BY agency_id, scope, year;
