-- Values offered by the global filters (all counted reports, unfiltered). One row per agency and place (the place
-- columns as parsed may differ between an agency's reports), with its first year; then one report of every year,
-- template and scope, so every option is there while the rows grow with the agencies, not with the reports.
WITH opt AS (
    SELECT year, province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh,
           template, template_zh, agency_id, agency_name, scope
    FROM rep
)
SELECT min(year) AS year, province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh,
       min(template) AS template, arg_min(template_zh, template) AS template_zh, agency_id, agency_name,
       min(scope) AS scope
FROM opt
GROUP BY province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh, agency_id, agency_name
UNION ALL SELECT * FROM (SELECT DISTINCT ON (year) * FROM opt ORDER BY year, agency_id, template, scope)
UNION ALL SELECT * FROM (SELECT DISTINCT ON (template) * FROM opt ORDER BY template, agency_id, year, scope)
UNION ALL SELECT * FROM (SELECT DISTINCT ON (scope) * FROM opt ORDER BY scope, agency_id, year, template);
