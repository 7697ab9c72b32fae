-- The failed checks of every report file, by content hash: the 审核 page compares them with what a review saw
-- (a rebuild that changed them asks for review again).
SELECT r.file_sha256, c.rule, c.message
FROM raw_reports r JOIN raw_checks c USING (report_id)
WHERE c.status = 'fail' AND r.file_sha256 IS NOT NULL;
