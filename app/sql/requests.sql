-- 依申请公开: requests received and closed on time, one row per report (rep carries the figures of views kpi and
-- req). A list: pages show its first rows; requests_by_year sums it.
SELECT report_id, label, agency_name, level_zh, level_rank, year, template, template_zh, scope_zh,
       received, carried_in, request_answered AS answered, closed, on_time,
       CASE WHEN closed > 0 THEN on_time / closed END AS on_time_rate, received_from_text
FROM selected($filters)
WHERE has_requests
ORDER BY list_order;
