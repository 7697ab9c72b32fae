-- The 待匹配 queue: reports the roster's rules could not match to one agency (etl/roster/match.py), with the
-- agencies they could be (candidates, ids separated by ；) and what their titles said. Duplicate copies are left
-- out (a decision on the kept copy is what counts); empty without a roster.
SELECT m.report_id, r.file_sha256, r.source_file, r.agency, r.year, r.province, r.prefecture, r.template,
       m.status, label_zh('match_status', m.status) AS status_zh, m.candidates, m.title_agency_id
FROM raw_roster_matches m JOIN raw_reports r USING (report_id)
WHERE m.status IN ('ambiguous', 'unmatched') AND r.duplicate_of IS NULL
ORDER BY m.status, r.agency, r.year;
