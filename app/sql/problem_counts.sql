-- The files problem_reports lists, counted per parse status.
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
SELECT count(*) FILTER (WHERE p.parse_status = 'failed') AS n_failed,
       count(*) FILTER (WHERE p.parse_status = 'partial') AS n_partial
FROM problem_files p
WHERE p.counted_id IN (SELECT report_id FROM selected($filters)) OR p.year IS NULL;
