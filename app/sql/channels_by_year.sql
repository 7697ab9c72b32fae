-- 主动公开 per year and level over `tot` (a summary report replaces the reports it covers): items and channels.
SELECT t.year, t.level_zh, t.level_rank, count(*) AS n_reports,
       sum(f.active_total) AS active_total, sum(f.gazette) AS gazette, sum(f.website) AS website,
       sum(f.weibo) AS weibo, sum(f.wechat) AS wechat, sum(f.channel_other) AS channel_other
FROM tot t JOIN fig f USING (report_id)
WHERE f.n_channel_rows > 0
GROUP BY t.year, t.level_zh, t.level_rank
ORDER BY t.year, t.level_rank;
