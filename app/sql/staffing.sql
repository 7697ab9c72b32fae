-- 机构人员 (old format, sections 八/九): organisation, staff, funds, meetings and training, one row per report
-- (mart fig); staff_text lists the measures taken from the prose. A list: pages show its first rows.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.scope_zh,
       f.org_units, f.reading_points, f.staff_total, f.full_time, f.part_time, f.special_funds, f.meetings,
       f.training_sessions, f.training_attendees, f.staff_text
FROM sel s JOIN fig f USING (report_id)
WHERE f.n_staff_rows > 0
ORDER BY s.list_order;
