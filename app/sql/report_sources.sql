-- The reports of the selection with the file each was read from, for the full-text search (the page reads their
-- text through etl.read and searches it with text_search.sql). Copies of one report are left out (rep keeps one).
SELECT report_id, label, agency_name, year, scope_zh, source_file, file_format
FROM selected($filters)
ORDER BY list_order;
