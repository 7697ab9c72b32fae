-- The reports the 审核 page lists corrections, dispositions and reviews for: content hash, place (a reviewer's
-- region), and the label of the report; duplicates included, since a correction may concern any copy.
SELECT report_id, file_sha256, source_file, agency, coalesce(agency_short, agency, source_file) AS label, year,
       province, prefecture, template
FROM raw_reports;
