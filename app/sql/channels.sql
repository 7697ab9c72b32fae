-- 主动公开 (old format): items published and the channel mix, one row per report (mart fig). A list: pages show
-- its first rows (queries.run_page); channels_by_year sums it.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.scope_zh,
       f.active_total, f.gazette, f.website, f.weibo, f.wechat, f.channel_other, f.channel_text
FROM sel s JOIN fig f USING (report_id)
WHERE f.n_channel_rows > 0
ORDER BY s.list_order;
