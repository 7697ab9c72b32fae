-- The filtered reports, for pickers and lists ($report_id: only that one, or NULL for all). A list: pages show its
-- first rows.
SELECT report_id, label, agency, agency_name, year, level_zh, kind_zh, scope_zh, template_zh, status_zh,
       parse_status, error, source_file
FROM selected($filters) WHERE report_id = coalesce(CAST($report_id AS VARCHAR), report_id)
ORDER BY list_order;
