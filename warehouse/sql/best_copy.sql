-- copy_preference(cells, parse_status, file_format): the sort key (ascending: best first) of the copies of one
-- report (same agency, year and scope). The build keeps the first (etl/warehouse/finalise.py) and the report page
-- lists the copies in this order (duplicate_choice.sql): a copy with a statistics table over one without (a file
-- holding only the title parses 'ok', as a narrative), then the most table cells read (`cells`: the values of
-- source table or manual), then 'ok' over 'partial', then a report's own formats (HTML, PDF, Word) over text;
-- ties by report_id.
CREATE MACRO copy_preference(cells, parse_status, file_format) AS [
    CASE WHEN coalesce(cells, 0) > 0 THEN 0 ELSE 1 END,
    -coalesce(cells, 0),
    CASE WHEN parse_status = 'ok' THEN 0 ELSE 1 END,
    CASE WHEN file_format IN ('html', 'pdf', 'docx') THEN 0 ELSE 1 END
];
