-- The reports the selection holds, one row each, with what coverage() (app/coverage.py) needs to judge timeliness:
-- the agency, its kind (the deadline depends on it) and the publication date.
SELECT agency_id, report_id, year, agency, agency_name, agency_kind, level_zh, level_rank, province, prefecture,
       county, scope_zh, publish_date
FROM selected($filters)
ORDER BY level_rank, agency_name, agency_id, year, publish_date NULLS LAST, report_id;
