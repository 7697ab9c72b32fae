-- 机构人员: the mean per report of each measure by level (over the filtered reports; a summary report counts its
-- lower agencies' staff), with the number of reports behind each mean.
SELECT s.level_zh, s.level_rank, count(*) AS n_reports,
       avg(s.staff_total) AS staff_total, count(s.staff_total) AS n_staff_total,
       avg(s.full_time) AS full_time, count(s.full_time) AS n_full_time,
       avg(s.part_time) AS part_time, count(s.part_time) AS n_part_time,
       avg(s.org_units) AS org_units, count(s.org_units) AS n_org_units,
       avg(s.meetings) AS meetings, count(s.meetings) AS n_meetings,
       avg(s.training_sessions) AS training_sessions, count(s.training_sessions) AS n_training_sessions,
       avg(s.special_funds) AS special_funds, count(s.special_funds) AS n_special_funds
FROM selected($filters) s
WHERE s.n_staff_rows > 0
GROUP BY s.level_zh, s.level_rank ORDER BY s.level_rank;
