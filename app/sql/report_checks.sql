-- One report's checks.
SELECT rule, severity, status, expected, actual, message
FROM raw_checks WHERE report_id = $report_id
ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'pass' THEN 1 ELSE 2 END, rule;
