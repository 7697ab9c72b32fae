-- Values offered by the global filters (all counted reports, unfiltered).
SELECT DISTINCT year, province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh,
       template, template_zh, agency_id, agency_name, scope
FROM rep;
