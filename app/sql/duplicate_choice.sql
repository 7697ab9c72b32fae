-- The copies of one report (same agency, year and scope) and why one was kept: each copy's status and the
-- table cells it read (the build keeps a copy with a statistics table over one without, then the most cells
-- read, then 'ok' over 'partial': etl/load/finalise.py).
WITH copies AS (
    SELECT report_id FROM raw_reports WHERE report_id = $report_id OR duplicate_of = $report_id
    UNION SELECT duplicate_of FROM raw_reports WHERE report_id = $report_id AND duplicate_of IS NOT NULL
    UNION SELECT report_id FROM raw_reports
    WHERE duplicate_of = (SELECT duplicate_of FROM raw_reports WHERE report_id = $report_id)
)
SELECT r.report_id, r.source_file, r.parse_status, r.duplicate_of IS NULL AS kept,
       (SELECT count(m.value) FROM raw_metrics m WHERE m.report_id = r.report_id AND m.source = 'table') AS cells
FROM raw_reports r JOIN copies USING (report_id)
ORDER BY kept DESC, cells DESC, r.report_id
