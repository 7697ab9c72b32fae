-- Section 二 of the 2019/2021 formats per year over `tot`: decisions and documents summed.
SELECT t.year, count(*) AS n_reports,
       sum(f.license_decisions) AS license_decisions, sum(f.penalty_decisions) AS penalty_decisions,
       sum(f.coercion_decisions) AS coercion_decisions,
       sum(f.rules_made) AS rules_made, sum(f.rules_in_force) AS rules_in_force,
       sum(f.normative_made) AS normative_made, sum(f.normative_in_force) AS normative_in_force
FROM tot t JOIN fig f USING (report_id)
WHERE f.n_item_rows > 0
GROUP BY t.year ORDER BY t.year;
