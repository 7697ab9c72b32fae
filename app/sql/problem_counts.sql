-- The files problem_reports lists (problem_files: warehouse/sql/macros.sql), counted per parse status.
SELECT count(*) FILTER (WHERE p.parse_status = 'failed') AS n_failed,
       count(*) FILTER (WHERE p.parse_status = 'partial') AS n_partial
FROM problem_files p
WHERE p.counted_id IN (SELECT report_id FROM selected($filters)) OR p.year IS NULL;
