-- 依申请公开 per year and level over `counted` (a summary report replaces the reports it covers): requests received,
-- closed and closed on time; the on-time rate over the reports with both figures and some closed.
SELECT year, level_zh, level_rank, count(*) AS n_reports,
       sum(received) AS received, count(received) AS n_received,
       sum(closed) AS closed, sum(on_time) AS on_time,
       sum(on_time) FILTER (WHERE has_on_time) / sum(closed) FILTER (WHERE has_on_time) AS on_time_rate
FROM counted($filters)
WHERE has_requests
GROUP BY year, level_zh, level_rank ORDER BY year, level_rank;
