-- 主动公开: items published and the channel mix, one row per report × measure (old format).
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.scope_zh,
       m.metric,
       CASE m.metric WHEN 'active.total' THEN '主动公开总数'
                     WHEN 'channel.gazette' THEN '政府公报' WHEN 'channel.website' THEN '政府网站'
                     WHEN 'channel.weibo' THEN '政务微博' WHEN 'channel.wechat' THEN '政务微信'
                     WHEN 'channel.other' THEN '其他' END AS category,
       m.value, m.raw, m.source, CASE WHEN m.source = 'text' THEN '据正文' ELSE '表格' END AS source_zh, m.locator
FROM sel s JOIN mv m USING (report_id)
WHERE m.metric IN ('active.total', 'channel.gazette', 'channel.website', 'channel.weibo', 'channel.wechat', 'channel.other')
ORDER BY s.list_order, m.metric;
