-- One report's metadata (duplicates included, so a link to a duplicate still resolves).
SELECT r.*, d.agency AS duplicate_agency
FROM raw_reports r LEFT JOIN raw_reports d ON d.report_id = r.duplicate_of
WHERE r.report_id = $report_id;
