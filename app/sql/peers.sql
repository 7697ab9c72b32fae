-- Peer comparison: one row per report of the selection in year $year (NULL: the selection's latest year) with the headline figures the pages compare,
-- the same agency's figures of the year before (same 本级/汇总 scope: a summary is never compared with a 本级 report)
-- for the year-on-year change, and per-request ratios (cases per 100 requests received) where counts of agencies
-- of different size are not comparable. The page ranks within a peer group (level, kind and scope by default; a
-- report matched to the roster carries the roster's level and kind).
WITH y AS (SELECT coalesce(CAST($year AS INTEGER), (SELECT max(year) FROM selected($filters))) AS year),
cur AS (
    SELECT report_id, agency_id, label, agency_name, year, level, level_zh, level_rank, scope, scope_zh,
           agency_kind, coalesce(label_zh('agency_kind', agency_kind), label_zh('agency_kind', 'unknown')) AS kind_zh,
           active_total, received, review_total, lit_total, staff_total,
           CASE WHEN closed > 0 THEN on_time / closed END AS on_time_rate,
           granted / nullif(answered, 0) AS granted_share, denied / nullif(answered, 0) AS denied_share,
           review_corrected / nullif(coalesce(review_upheld, 0) + coalesce(review_corrected, 0)
                                     + coalesce(review_other, 0), 0) AS review_rate
    FROM selected($filters) WHERE year = (SELECT year FROM y)
), prev AS (
    SELECT agency_id, scope, active_total, received, review_total, lit_total, staff_total,
           CASE WHEN closed > 0 THEN on_time / closed END AS on_time_rate,
           granted / nullif(answered, 0) AS granted_share, denied / nullif(answered, 0) AS denied_share,
           review_corrected / nullif(coalesce(review_upheld, 0) + coalesce(review_corrected, 0)
                                     + coalesce(review_other, 0), 0) AS review_rate
    FROM rep WHERE year = (SELECT year FROM y) - 1 AND agency_id IN (SELECT agency_id FROM cur)
)
SELECT c.*,
       100 * c.review_total / nullif(c.received, 0) AS review_per_100,
       100 * c.lit_total / nullif(c.received, 0) AS lit_per_100,
       p.active_total AS prev_active_total, p.received AS prev_received, p.review_total AS prev_review_total,
       p.lit_total AS prev_lit_total, p.staff_total AS prev_staff_total, p.on_time_rate AS prev_on_time_rate,
       p.review_rate AS prev_review_rate, p.granted_share AS prev_granted_share, p.denied_share AS prev_denied_share,
       100 * p.review_total / nullif(p.received, 0) AS prev_review_per_100,
       100 * p.lit_total / nullif(p.received, 0) AS prev_lit_per_100
FROM cur c LEFT JOIN prev p ON p.agency_id = c.agency_id AND p.scope = c.scope
ORDER BY c.level_rank, c.scope, c.label;
