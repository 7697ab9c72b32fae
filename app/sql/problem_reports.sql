-- Files that failed to parse or were parsed only in part, with the reason: those of the filtered reports (and their
-- copies), and every file nothing could be read from (no agency, no year: no filter can place it, so it is always
-- listed); `counted_id` is the report a file stands for in rep (itself, or the copy kept). A list: pages show its
-- first rows; problem_counts counts them.
WITH problem_files AS (     -- every file not parsed whole, copies included; a failed file often has no agency and
                            -- no year, so it is named by its file and never joined on an agency
    SELECT r.report_id, coalesce(r.duplicate_of, r.report_id) AS counted_id,
           coalesce(nullif(r.agency_short, ''), r.agency, regexp_extract(r.source_file, '[^/]+$')) AS label,
           CAST(r.year AS INTEGER) AS year, r.parse_status,
           coalesce(label_zh('parse_status', r.parse_status), r.parse_status) AS status_zh,
           r.error, r.source_file, r.duplicate_of IS NOT NULL AS is_copy
    FROM raw_reports r
    WHERE r.parse_status <> 'ok'
)
SELECT p.report_id, p.label, p.year, p.status_zh, p.parse_status, p.error, p.source_file,
       CASE WHEN p.is_copy THEN '重复副本（另一副本计入）' WHEN p.year IS NULL THEN '未计入（未读出年度）' ELSE '计入' END AS copy_zh
FROM problem_files p
WHERE p.counted_id IN (SELECT report_id FROM selected($filters)) OR p.year IS NULL
ORDER BY p.parse_status = 'partial', p.year NULLS FIRST, p.label, p.source_file;
