-- Headline measures per year and agency over `tot` (summary reports replace their parts), so a change on the
-- previous year can be computed over the same agencies in both years (同口径).
SELECT t.year, t.agency_id, any_value(t.agency_name) AS agency_name,
       sum(k.active_total) AS active_total, sum(k.received) AS received,
       sum(k.review_total) AS review_total, sum(k.litigation_total) AS litigation_total
FROM tot t LEFT JOIN kpi k USING (report_id)
GROUP BY t.year, t.agency_id ORDER BY t.year, t.agency_id;
