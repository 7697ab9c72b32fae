-- New requests by applicant type per year over `counted` (2019/2021 formats).
SELECT t.year, count(*) AS n_reports,
       sum(t.natural_person) AS natural_person, sum(t.business) AS business, sum(t.research) AS research,
       sum(t.social_org) AS social_org, sum(t.legal_service) AS legal_service, sum(t.other_org) AS other_org
FROM counted($filters) t
WHERE t.n_applicant_rows > 0
GROUP BY t.year ORDER BY t.year;
