-- New requests by applicant type per year over `tot` (2019/2021 formats).
SELECT t.year, count(*) AS n_reports,
       sum(f.natural_person) AS natural_person, sum(f.business) AS business, sum(f.research) AS research,
       sum(f.social_org) AS social_org, sum(f.legal_service) AS legal_service, sum(f.other_org) AS other_org
FROM tot t JOIN fig f USING (report_id)
WHERE f.n_applicant_rows > 0
GROUP BY t.year ORDER BY t.year;
