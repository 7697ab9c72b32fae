-- Every failed consistency check of the filtered reports, with its Chinese message (errors first). A list: pages
-- show its first rows ($rule: one rule, or NULL for all); failed_by_report groups it by report.
SELECT s.report_id, s.label, s.agency_name, s.year, s.level_zh, s.template_zh, s.source_file,
       c.rule, rule_zh(c.rule) AS rule_zh, c.severity, label_zh('severity', c.severity) AS severity_zh,
       c.expected, c.actual, c.message
FROM selected($filters) s JOIN fails c USING (report_id)
WHERE c.rule = coalesce(CAST($rule AS VARCHAR), c.rule)
ORDER BY c.severity_rank, s.year, s.label, c.rule;
