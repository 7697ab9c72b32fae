-- 2019/2021 formats: new requests by applicant type, one row per report (mart fig). A list: pages show its first rows.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year,
       f.natural_person, f.business, f.research, f.social_org, f.legal_service, f.other_org
FROM sel s JOIN fig f USING (report_id)
WHERE f.n_applicant_rows > 0
ORDER BY s.list_order;
