-- Coverage matrix against the roster (coverage, etl/roster): the first $agencies roster agencies of the selection
-- (by level, then name) × every year of the selection, in the shape of coverage.sql. A year with a report shows
-- what the warehouse read of it (已解析, 有核对问题, …); one without is 缺失 (缺报), 网站未找到, 已撤销 or 已并入 as
-- the coverage table says; a year before the agency was set up is 报告期外. n_agencies counts them all.
WITH cov AS (FROM covered($filters)),
ag_all AS (
    SELECT c.agency_id, any_value(c.agency) AS agency_name, any_value(c.level_zh) AS level_zh,
           min(coalesce(lv.rank, 99)) AS level_rank
    FROM cov c LEFT JOIN labels lv ON lv.kind = 'level' AND lv.code = coalesce(c.level, 'unknown')
    GROUP BY c.agency_id
), ag AS (
    SELECT *, count(*) OVER () AS n_agencies FROM ag_all
    ORDER BY level_rank, agency_name, agency_id LIMIT $agencies
), yrs AS (
    SELECT unnest(range(min(year), max(year) + 1)) AS year FROM cov
), cells AS (
    FROM year_cells($filters, (SELECT list(agency_id) FROM ag))
)
SELECT ag.agency_id, ag.agency_name, ag.level_zh, ag.level_rank, yrs.year,
       coalesce(c.n_reports, 0) AS n_reports, c.scopes, CAST(coalesce(c.n_failed_checks, 0) AS INTEGER) AS n_failed_checks,
       CAST(NULL AS VARCHAR) AS fate_zh,
       CASE WHEN c.n_reports IS NOT NULL THEN
                CASE WHEN c.worst = 2 THEN '解析失败' WHEN c.worst = 1 THEN '部分解析'
                     WHEN c.n_failed_checks > 0 THEN '有核对问题' ELSE '已解析' END
            WHEN v.status IS NULL THEN '报告期外'
            WHEN v.status = 'missing' THEN '缺失'
            WHEN v.status IN ('not_found', 'abolished', 'merged') THEN v.status_zh
            ELSE '已解析' END AS status,
       ag.n_agencies
FROM ag CROSS JOIN yrs
LEFT JOIN cells c ON c.agency_id = ag.agency_id AND c.year = yrs.year
LEFT JOIN cov v ON v.agency_id = ag.agency_id AND v.year = yrs.year
ORDER BY ag.level_rank, ag.agency_name, ag.agency_id, yrs.year;
