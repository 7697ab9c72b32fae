-- 主动公开 (old format): items published and the channel mix, one row per report (rep carries the figures of view fig). A list: pages show
-- its first rows (queries.run_page); channels_by_year sums it.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.scope_zh,
       s.active_total, s.gazette, s.website, s.weibo, s.wechat, s.channel_other, s.channel_text
FROM selected($filters) s
WHERE s.n_channel_rows > 0
ORDER BY s.list_order;
