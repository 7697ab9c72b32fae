-- 机构人员 (old format, sections 八/九): organisation, staff, funds, meetings and training per report.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.scope_zh,
       m.metric,
       CASE m.metric WHEN 'org.units' THEN '专门机构数' WHEN 'org.reading_points' THEN '查阅点数'
            WHEN 'staff.total' THEN '工作人员数' WHEN 'staff.full_time' THEN '专职人员'
            WHEN 'staff.part_time' THEN '兼职人员' WHEN 'budget.special_funds' THEN '专项经费（万元）'
            WHEN 'meetings.total' THEN '工作会议数' WHEN 'training.sessions' THEN '培训班数'
            WHEN 'training.attendees' THEN '培训人次' END AS measure,
       m.value, m.raw, m.unit, m.source, CASE WHEN m.source = 'text' THEN '据正文' ELSE '表格' END AS source_zh, m.locator
FROM sel s JOIN mv m USING (report_id)
WHERE m.metric IN ('org.units', 'org.reading_points', 'staff.total', 'staff.full_time', 'staff.part_time',
                   'budget.special_funds', 'meetings.total', 'training.sessions', 'training.attendees')
ORDER BY s.list_order, m.metric;
