-- Reports matched to a roster agency whose title said otherwise about its level, kind or place (the roster's
-- values are the ones the warehouse now holds; the title's are kept in roster_matches).
SELECT m.report_id, r.agency AS title_agency, r.year, m.agency_id, label_zh('match_status', m.status) AS status_zh,
       m.method, m.differences
FROM raw_roster_matches m JOIN raw_reports r USING (report_id)
WHERE m.differences IS NOT NULL AND r.duplicate_of IS NULL
ORDER BY r.agency, r.year;
