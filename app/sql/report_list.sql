-- The filtered reports, for pickers and lists.
SELECT report_id, label, agency, agency_name, year, level_zh, kind_zh, scope_zh, template_zh, status_zh,
       parse_status, error, source_file
FROM sel ORDER BY list_order;
