-- 机构人员 (old format, sections 八/九): organisation, staff, funds, meetings and training, one row per report
-- (rep carries the figures of view fig); staff_text lists the measures taken from the prose. A list: pages show its first rows.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.scope_zh,
       s.org_units, s.reading_points, s.staff_total, s.full_time, s.part_time, s.special_funds, s.meetings,
       s.training_sessions, s.training_attendees, s.staff_text
FROM selected($filters) s
WHERE s.n_staff_rows > 0
ORDER BY s.list_order;
