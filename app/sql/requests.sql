-- 依申请公开: requests received and closed on time, one row per report.
WITH w AS (
    SELECT report_id,
        max(value) FILTER (WHERE metric = 'request.closed') AS closed,
        max(value) FILTER (WHERE metric = 'request.closed.on_time') AS on_time,
        max(value) FILTER (WHERE metric = 'request.answered') AS old_answered,
        max(value) FILTER (WHERE metric = 'outcome.total' AND applicant = 'total') AS new_answered,
        max(value) FILTER (WHERE metric = 'request.carried_in' AND applicant = 'total') AS carried_in,
        bool_or(source = 'text' AND metric IN ('request.received', 'request.new')) AS received_from_text
    FROM mv
    WHERE metric IN ('request.closed', 'request.closed.on_time', 'request.answered', 'outcome.total',
                     'request.carried_in', 'request.received', 'request.new')   -- the only ones read above
      AND report_id IN (SELECT report_id FROM sel)
    GROUP BY report_id
)
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template, s.template_zh, s.scope_zh,
       k.received, w.carried_in, coalesce(w.old_answered, w.new_answered) AS answered,
       w.closed, w.on_time,
       CASE WHEN w.closed > 0 THEN w.on_time / w.closed END AS on_time_rate,
       coalesce(w.received_from_text, false) AS received_from_text
FROM sel s LEFT JOIN kpi k USING (report_id) LEFT JOIN w USING (report_id)
WHERE k.received IS NOT NULL OR w.closed IS NOT NULL OR coalesce(w.old_answered, w.new_answered) IS NOT NULL
ORDER BY s.list_order;
