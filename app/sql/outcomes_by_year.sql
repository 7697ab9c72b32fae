-- Outcomes per year over `counted` on the comparable category set (see outcomes.sql): counts and shares of all answers,
-- over the reports with a positive number of answers.
SELECT t.year, count(*) AS n_reports, sum(t.answered) AS answered,
       sum(t.granted) AS granted, sum(t.partial) AS partial, sum(t.denied) AS denied, sum(t.unable) AS unable
FROM counted($filters) t
WHERE t.n_outcome_rows > 0 AND t.answered > 0
GROUP BY t.year ORDER BY t.year;
