-- Change of each headline measure from the previous year (同口径): summed over `counted`, only over the agencies that
-- have the figure in both years, so a change in coverage never shows as a trend. $year: the later year (NULL: the
-- latest year of the selection).
WITH yr AS (SELECT coalesce(CAST($year AS INTEGER), max(year)) AS y FROM selected($filters)),
a AS (
    SELECT t.year = yr.y AS is_cur, t.agency_id, sum(k.active_total) AS active_total, sum(k.received) AS received,
           sum(k.review_total) AS review_total, sum(k.litigation_total) AS litigation_total
    FROM counted($filters) t JOIN yr ON t.year IN (yr.y, yr.y - 1) LEFT JOIN kpi k USING (report_id)
    GROUP BY ALL
), m AS (
    UNPIVOT a ON active_total, received, review_total, litigation_total INTO NAME measure VALUE v
), both_years AS (
    SELECT measure, agency_id, max(v) FILTER (WHERE is_cur) AS cur, max(v) FILTER (WHERE NOT is_cur) AS prev
    FROM m GROUP BY measure, agency_id
)
SELECT measure, count(*) AS n_agencies, sum(cur) AS cur, sum(prev) AS prev
FROM both_years WHERE cur IS NOT NULL AND prev IS NOT NULL
GROUP BY measure ORDER BY measure;
