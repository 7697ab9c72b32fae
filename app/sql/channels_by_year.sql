-- 主动公开 per year and level over `counted` (a summary report replaces the reports it covers): items and channels.
SELECT t.year, t.level_zh, t.level_rank, count(*) AS n_reports,
       sum(t.active_total) AS active_total, sum(t.gazette) AS gazette, sum(t.website) AS website,
       sum(t.weibo) AS weibo, sum(t.wechat) AS wechat, sum(t.channel_other) AS channel_other
FROM counted($filters) t
WHERE t.n_channel_rows > 0
GROUP BY t.year, t.level_zh, t.level_rank
ORDER BY t.year, t.level_rank;
