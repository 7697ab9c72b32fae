-- Coverage in numbers: agencies, agency-years expected and missing, and the agencies missing the most years (the
-- 缺报清单, first 200). An agency is expected to report every year from its own first to its own last report in the
-- selection (an agency set up in 2015 or abolished in 2018 is not missing the years outside that span).
WITH yrs AS (SELECT min(year) AS y0, max(year) AS y1 FROM selected($filters)),
ag AS (SELECT agency_id, any_value(agency_name) AS agency_name, min(level_rank) AS level_rank,
              any_value(level_zh) AS level_zh, list(DISTINCT year ORDER BY year) AS years,
              min(year) AS first_year, max(year) AS last_year
       FROM selected($filters) GROUP BY agency_id),
miss AS (SELECT ag.*, list_filter(range(ag.first_year, ag.last_year + 1), lambda y: NOT list_contains(ag.years, y))
                        AS missing
         FROM ag)
SELECT agency_id, agency_name, level_zh, level_rank, first_year, last_year, missing, len(missing) AS n_missing,
       count(*) OVER () AS n_agencies, sum(len(missing)) OVER () AS n_missing_total,
       CAST(sum(last_year - first_year + 1) OVER () AS BIGINT) AS n_expected,
       (SELECT y1 - y0 + 1 FROM yrs) AS n_years
FROM miss
ORDER BY n_missing DESC, level_rank, agency_name
LIMIT 200;
