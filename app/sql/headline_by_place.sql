-- The headline figures of headline.sql per place (province, prefecture, county) over `counted`, for the maps
-- (app/maps.py sums them up to the level drawn). n_*: the reports that have the figure.
SELECT t.province, t.prefecture, t.county, count(*) AS n_counted,
       sum(k.active_total) AS active_total, count(k.active_total) AS n_active,
       sum(k.received) AS received, count(k.received) AS n_received,
       sum(k.review_total) AS review_total, count(k.review_total) AS n_review,
       sum(k.litigation_total) AS litigation_total, count(k.litigation_total) AS n_litigation
FROM counted($filters) t LEFT JOIN kpi k USING (report_id)
GROUP BY ALL ORDER BY ALL;
