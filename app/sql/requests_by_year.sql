-- 依申请公开 per year and level over `tot`: requests received, closed and closed on time (views kpi and req).
SELECT t.year, t.level_zh, t.level_rank, count(*) AS n_reports,
       sum(k.received) AS received, count(k.received) AS n_received,
       sum(w.closed) AS closed, sum(w.on_time) AS on_time,
       sum(w.on_time) FILTER (WHERE w.closed > 0 AND w.on_time IS NOT NULL)
         / sum(w.closed) FILTER (WHERE w.closed > 0 AND w.on_time IS NOT NULL) AS on_time_rate
FROM tot t LEFT JOIN kpi k USING (report_id) LEFT JOIN req w USING (report_id)
WHERE k.received IS NOT NULL OR w.closed IS NOT NULL OR coalesce(w.old_answered, w.new_answered) IS NOT NULL
GROUP BY t.year, t.level_zh, t.level_rank ORDER BY t.year, t.level_rank;
