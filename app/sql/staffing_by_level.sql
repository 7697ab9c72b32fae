-- 机构人员: the mean per report of each measure by level (over the filtered reports; a summary report counts its
-- lower agencies' staff), with the number of reports behind each mean.
SELECT s.level_zh, s.level_rank, count(*) AS n_reports,
       avg(f.staff_total) AS staff_total, count(f.staff_total) AS n_staff_total,
       avg(f.full_time) AS full_time, count(f.full_time) AS n_full_time,
       avg(f.part_time) AS part_time, count(f.part_time) AS n_part_time,
       avg(f.org_units) AS org_units, count(f.org_units) AS n_org_units,
       avg(f.meetings) AS meetings, count(f.meetings) AS n_meetings,
       avg(f.training_sessions) AS training_sessions, count(f.training_sessions) AS n_training_sessions,
       avg(f.special_funds) AS special_funds, count(f.special_funds) AS n_special_funds
FROM sel s JOIN fig f USING (report_id)
WHERE f.n_staff_rows > 0
GROUP BY s.level_zh, s.level_rank ORDER BY s.level_rank;
