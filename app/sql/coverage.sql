-- Coverage matrix: agency × year for the first $agencies agencies of the selection (by level, then name), every
-- year between the first and last of the selection; a year with no report between the agency's own first and last
-- report is "缺失", one outside that span "报告期外" (not yet set up, or abolished). A missing year of an agency whose
-- website `etl collect` read (raw_collection) without finding that year's report is "网站未找到". n_agencies counts
-- them all (coverage_summary gives the missing years of every agency). An agency a reviewer marked abolished or
-- merged in year Y ($fates, audit/fates.py) is "已撤销" / "已并入" from Y on, and expected to report until Y - 1.
WITH fate AS (
    SELECT unnest(from_json($fates, '[{"agency_id":"VARCHAR","fate":"VARCHAR","year":"INTEGER","successor":"VARCHAR"}]'),
                  recursive := true)
), ag_all AS (
    SELECT agency_id, any_value(agency_name) AS agency_name, min(level_rank) AS level_rank, any_value(level_zh) AS level_zh,
           min(year) AS first_year, max(year) AS last_year
    FROM selected($filters) GROUP BY agency_id
), ag AS (
    SELECT *, count(*) OVER () AS n_agencies FROM ag_all
    ORDER BY level_rank, agency_name, agency_id LIMIT $agencies
), yrs AS (
    SELECT unnest(range(min(year), max(year) + 1)) AS year FROM selected($filters)
), cells AS (
    FROM year_cells($filters, (SELECT list(agency_id) FROM ag))
), searched AS (
    SELECT DISTINCT agency_id FROM raw_collection WHERE agency_id IS NOT NULL AND status <> 'failed'
), listed AS (
    SELECT DISTINCT agency_id, year FROM raw_collection WHERE year IS NOT NULL
)
SELECT ag.agency_id, ag.agency_name, ag.level_zh, ag.level_rank, yrs.year,
       coalesce(c.n_reports, 0) AS n_reports, c.scopes, CAST(coalesce(c.n_failed_checks, 0) AS INTEGER) AS n_failed_checks,
       CASE fa.fate WHEN 'merged' THEN fa.year || '年并入' || fa.successor WHEN 'abolished' THEN fa.year || '年撤销' END
           AS fate_zh,
       CASE WHEN c.n_reports IS NULL AND yrs.year >= fa.year THEN
                CASE fa.fate WHEN 'merged' THEN '已并入' ELSE '已撤销' END
            WHEN c.n_reports IS NULL AND yrs.year < ag.first_year THEN '报告期外'
            WHEN c.n_reports IS NULL AND yrs.year > ag.last_year AND fa.year IS NULL THEN '报告期外'
            WHEN c.n_reports IS NULL AND sr.agency_id IS NOT NULL AND li.year IS NULL THEN '网站未找到'
            WHEN c.n_reports IS NULL THEN '缺失'
            WHEN c.worst = 2 THEN '解析失败' WHEN c.worst = 1 THEN '部分解析'
            WHEN c.n_failed_checks > 0 THEN '有核对问题' ELSE '已解析' END AS status,
       ag.n_agencies
FROM ag CROSS JOIN yrs
LEFT JOIN cells c ON c.agency_id = ag.agency_id AND c.year = yrs.year
LEFT JOIN searched sr ON sr.agency_id = ag.agency_id
LEFT JOIN listed li ON li.agency_id = ag.agency_id AND li.year = yrs.year
LEFT JOIN fate fa ON fa.agency_id = ag.agency_id
ORDER BY ag.level_rank, ag.agency_name, ag.agency_id, yrs.year;
