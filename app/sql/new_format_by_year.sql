-- Section 二 of the 2019/2021 formats per year over `counted`: decisions and documents summed.
SELECT t.year, count(*) AS n_reports,
       sum(t.license_decisions) AS license_decisions, sum(t.penalty_decisions) AS penalty_decisions,
       sum(t.coercion_decisions) AS coercion_decisions,
       sum(t.rules_made) AS rules_made, sum(t.rules_in_force) AS rules_in_force,
       sum(t.normative_made) AS normative_made, sum(t.normative_in_force) AS normative_in_force
FROM counted($filters) t
WHERE t.n_item_rows > 0
GROUP BY t.year ORDER BY t.year;
