-- Check outcomes per rule over the filtered reports, the rule and its severity named in Chinese.
SELECT c.rule, rule_zh(c.rule) AS rule_zh, any_value(c.severity) AS severity,
       label_zh('severity', any_value(c.severity)) AS severity_zh,
       count(*) FILTER (WHERE c.status = 'fail') AS n_fail,
       count(*) FILTER (WHERE c.status = 'pass') AS n_pass,
       count(*) FILTER (WHERE c.status = 'skipped') AS n_skipped
FROM selected($filters) s JOIN raw_checks c USING (report_id)
GROUP BY c.rule ORDER BY n_fail DESC, c.rule;
