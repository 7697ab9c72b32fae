-- The roster's agency-years of the selection (coverage, etl/roster; no rows without a roster) in the columns of
-- app/coverage.py's coverage(): agencies in the lists' order.
SELECT c.agency_id, c.agency, c.level_zh, lv.rank AS level_rank, c.year, c.status,
       CASE WHEN c.status = 'late' THEN c.days_late END AS days_late,
       c.report_id, c.publish_date, c.deadline, c.kind
FROM covered($filters) c
LEFT JOIN labels lv ON lv.kind = 'level' AND lv.code = coalesce(c.level, 'unknown')
ORDER BY level_rank, c.agency, c.agency_id;
