-- 机构人员 per year over `counted` (a summary report replaces the reports it covers): full-time and part-time staff and
-- special funds summed, with the number of reports.
SELECT t.year, count(*) AS n_reports, sum(t.staff_total) AS staff_total, sum(t.full_time) AS full_time,
       sum(t.part_time) AS part_time, sum(t.special_funds) AS special_funds
FROM counted($filters) t
WHERE t.n_staff_rows > 0
GROUP BY t.year ORDER BY t.year;
