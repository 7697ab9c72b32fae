-- Coverage in numbers: agencies, agency-years expected and missing, and the agencies missing the most years (the
-- 缺报清单, first 200). An agency is expected to report every year from its own first to its own last report in the
-- selection (an agency set up in 2015 or abolished in 2018 is not missing the years outside that span). One a
-- reviewer marked abolished or merged in year Y ($fates, audit/fates.py) is expected from its first report to Y - 1
-- (within the selection's years), whatever its last report: its years from Y on are not missing.
WITH yrs AS (SELECT min(year) AS y0, max(year) AS y1 FROM selected($filters)),
fate AS (
    SELECT unnest(from_json($fates, '[{"agency_id":"VARCHAR","fate":"VARCHAR","year":"INTEGER","successor":"VARCHAR"}]'),
                  recursive := true)
),
ag AS (SELECT agency_id, any_value(agency_name) AS agency_name, min(level_rank) AS level_rank,
              any_value(level_zh) AS level_zh, list(DISTINCT year ORDER BY year) AS years,
              min(year) AS first_year, max(year) AS last_year
       FROM selected($filters) GROUP BY agency_id),
span AS (SELECT ag.*, fate.fate, fate.year AS fate_year, fate.successor,
                CASE fate.fate WHEN 'merged' THEN fate.year || '年并入' || fate.successor
                               WHEN 'abolished' THEN fate.year || '年撤销' END AS fate_zh,
                CASE WHEN fate.year IS NULL THEN ag.last_year
                     ELSE least(fate.year - 1, (SELECT y1 FROM yrs)) END AS expected_last
         FROM ag LEFT JOIN fate USING (agency_id)),
miss AS (SELECT span.*, list_filter(range(first_year, expected_last + 1), lambda y: NOT list_contains(years, y))
                        AS missing
         FROM span)
SELECT agency_id, agency_name, level_zh, level_rank, first_year, last_year, fate_zh, missing, len(missing) AS n_missing,
       count(*) OVER () AS n_agencies, sum(len(missing)) OVER () AS n_missing_total,
       CAST(sum(greatest(expected_last - first_year + 1, 0)) OVER () AS BIGINT) AS n_expected,
       count(fate_year) OVER () AS n_marked,
       (SELECT y1 - y0 + 1 FROM yrs) AS n_years
FROM miss
ORDER BY n_missing DESC, level_rank, agency_name
LIMIT 200;
