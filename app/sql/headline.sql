-- Headline figures per year. Sums run over `counted` (a summary report replaces the parts it covers, never adds to them).
SELECT t.year,
       count(*) AS n_counted,
       sum(k.active_total) AS active_total, count(k.active_total) AS n_active,
       sum(k.received) AS received, count(k.received) AS n_received,
       sum(k.review_total) AS review_total, count(k.review_total) AS n_review,
       sum(k.litigation_total) AS litigation_total, count(k.litigation_total) AS n_litigation
FROM counted($filters) t LEFT JOIN kpi k USING (report_id)
GROUP BY t.year ORDER BY t.year;
