-- 迟报 against the roster (coverage, etl/roster): reports published after the agency's deadline (条例 第四十九条),
-- the latest first, the most days late first.
SELECT agency_id, agency, level_zh, year, publish_date, deadline, days_late, report_id
FROM covered($filters)
WHERE status = 'late'
ORDER BY year DESC, days_late DESC, agency;
