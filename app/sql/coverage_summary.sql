-- Coverage in numbers: agencies, agency-years expected (first to last year of the selection) and missing, and the
-- agencies missing the most years (the 缺报清单, first 200).
WITH yrs AS (SELECT min(year) AS y0, max(year) AS y1 FROM sel),
ag AS (SELECT agency_id, any_value(agency_name) AS agency_name, min(level_rank) AS level_rank,
              any_value(level_zh) AS level_zh, list(DISTINCT year ORDER BY year) AS years
       FROM sel GROUP BY agency_id),
miss AS (SELECT ag.*, list_filter(range(yrs.y0, yrs.y1 + 1), lambda y: NOT list_contains(ag.years, y)) AS missing
         FROM ag, yrs)
SELECT agency_id, agency_name, level_zh, level_rank, missing, len(missing) AS n_missing,
       count(*) OVER () AS n_agencies, sum(len(missing)) OVER () AS n_missing_total,
       (SELECT y1 - y0 + 1 FROM yrs) AS n_years
FROM miss
ORDER BY n_missing DESC, level_rank, agency_name
LIMIT 200;
