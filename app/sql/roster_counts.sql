-- The roster's agency-years of the selection by status (coverage, etl/roster; no rows without a roster).
SELECT status, any_value(status_zh) AS status_zh, count(*) AS n, count(DISTINCT agency_id) AS n_agencies,
       (SELECT count(DISTINCT agency_id) FROM covered($filters)) AS n_roster
FROM covered($filters)
GROUP BY status
ORDER BY status;
