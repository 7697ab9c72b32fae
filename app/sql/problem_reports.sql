-- Reports that failed to parse or were parsed only in part, with the reason. A list: pages show its first rows.
SELECT report_id, label, year, status_zh, parse_status, error, source_file
FROM sel WHERE parse_status <> 'ok'
ORDER BY list_order;
