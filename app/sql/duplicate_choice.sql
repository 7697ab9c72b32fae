-- The copies of one report (same agency, year and scope) and why one was kept: each copy's status and the
-- table cells it read, the kept copy first, the others in the build's order of preference (best_copy.sql).
WITH copies AS (
    SELECT report_id FROM raw_reports WHERE report_id = $report_id OR duplicate_of = $report_id
    UNION SELECT duplicate_of FROM raw_reports WHERE report_id = $report_id AND duplicate_of IS NOT NULL
    UNION SELECT report_id FROM raw_reports
    WHERE duplicate_of = (SELECT duplicate_of FROM raw_reports WHERE report_id = $report_id)
)
SELECT r.report_id, r.source_file, r.parse_status, r.duplicate_of IS NULL AS kept, coalesce(f.cells, 0) AS cells
FROM raw_reports r JOIN copies USING (report_id)
LEFT JOIN (SELECT report_id, count(value) AS cells FROM raw_metrics
           WHERE report_id IN (SELECT report_id FROM copies) AND source IN ('table', 'manual')
           GROUP BY report_id) f USING (report_id)
ORDER BY kept DESC, copy_preference(f.cells, r.parse_status, r.file_format), r.report_id
