-- Reports with failed checks, most failures first, with the number of errors among them. A list: pages show its
-- first rows.
SELECT s.report_id, s.label, s.year, count(*) AS n_failed, count(*) FILTER (WHERE c.severity = 'error') AS n_errors
FROM selected($filters) s JOIN fails c USING (report_id)
GROUP BY s.report_id, s.label, s.year, s.list_order
ORDER BY n_failed DESC, n_errors DESC, s.list_order;
