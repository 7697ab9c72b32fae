-- 复议诉讼 per year and kind over `tot` (a summary report replaces the reports it covers): cases and results.
SELECT t.year, x.kind, count(*) AS n_reports,
       sum(x.total) AS total, sum(x.upheld) AS upheld, sum(x.corrected) AS corrected, sum(x.other) AS other,
       sum(x.pending) AS pending,
       sum(x.corrected) / nullif(sum(coalesce(x.upheld, 0) + coalesce(x.corrected, 0) + coalesce(x.other, 0)), 0)
         AS correction_rate
FROM tot t JOIN rl x USING (report_id)
GROUP BY t.year, x.kind ORDER BY t.year, x.kind;
