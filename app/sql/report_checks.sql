-- One report's checks.
SELECT rule, rule_zh(rule) AS rule_zh, severity, label_zh('severity', severity) AS severity_zh,
       status, label_zh('check_status', status) AS status_zh, expected, actual, message
FROM raw_checks WHERE report_id = $report_id
ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'pass' THEN 1 ELSE 2 END, rule;
