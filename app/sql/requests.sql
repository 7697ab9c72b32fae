-- 依申请公开: requests received and closed on time, one row per report (per-report figures: views kpi and req).
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template, s.template_zh, s.scope_zh,
       k.received, w.carried_in, coalesce(w.old_answered, w.new_answered) AS answered,
       w.closed, w.on_time,
       CASE WHEN w.closed > 0 THEN w.on_time / w.closed END AS on_time_rate,
       coalesce(w.received_from_text, false) AS received_from_text
FROM sel s LEFT JOIN kpi k USING (report_id) LEFT JOIN req w USING (report_id)
WHERE k.received IS NOT NULL OR w.closed IS NOT NULL OR coalesce(w.old_answered, w.new_answered) IS NOT NULL
ORDER BY s.list_order;
