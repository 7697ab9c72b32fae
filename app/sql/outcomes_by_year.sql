-- Outcomes per year over `tot` on the comparable category set (see outcomes.sql): counts and shares of all answers,
-- over the reports with a positive number of answers.
SELECT t.year, count(*) AS n_reports, sum(f.answered) AS answered,
       sum(f.granted) AS granted, sum(f.partial) AS partial, sum(f.denied) AS denied, sum(f.unable) AS unable
FROM tot t JOIN fig f USING (report_id)
WHERE f.n_outcome_rows > 0 AND f.answered > 0
GROUP BY t.year ORDER BY t.year;
