-- 2019/2021 formats: new requests by applicant type, one row per report (rep carries the figures of view fig). A list: pages show its first rows.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year,
       s.natural_person, s.business, s.research, s.social_org, s.legal_service, s.other_org
FROM selected($filters) s
WHERE s.n_applicant_rows > 0
ORDER BY s.list_order;
