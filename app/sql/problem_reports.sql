-- Files that failed to parse or were parsed only in part (problem_files: warehouse/sql/macros.sql), with the reason:
-- those of the filtered reports (and their copies), and every file nothing could be read from (no agency, no year:
-- no filter can place it, so it is always listed). A list: pages show its first rows; problem_counts counts them.
SELECT p.report_id, p.label, p.year, p.status_zh, p.parse_status, p.error, p.source_file,
       CASE WHEN p.is_copy THEN '重复副本（另一副本计入）' WHEN p.year IS NULL THEN '未计入（未读出年度）' ELSE '计入' END AS copy_zh
FROM problem_files p
WHERE p.counted_id IN (SELECT report_id FROM selected($filters)) OR p.year IS NULL
ORDER BY p.parse_status = 'partial', p.year NULLS FIRST, p.label, p.source_file;
