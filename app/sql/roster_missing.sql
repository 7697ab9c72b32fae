-- 缺报 against the roster (coverage, etl/roster): each roster agency of the selection with a year it owed a report
-- and published none (缺报, or 网站未找到 where its 年报 column was read without it), its missing years, and whether
-- it ever published one in the warehouse's years (never: named first).
SELECT agency_id, any_value(agency) AS agency, any_value(level_zh) AS level_zh, any_value(kind_zh) AS kind_zh,
       list(year ORDER BY year) FILTER (WHERE status IN ('missing', 'not_found')) AS missing,
       count(*) FILTER (WHERE status IN ('missing', 'not_found')) AS n_missing,
       count(*) FILTER (WHERE report_id IS NOT NULL) AS n_published,
       bool_or(status = 'not_found') AS site_searched
FROM covered($filters)
GROUP BY agency_id
HAVING n_missing > 0
ORDER BY n_published > 0, n_missing DESC, agency;
