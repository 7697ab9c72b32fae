-- Reports with failed checks (mart fig counts them), most failures first; the first failed message of each.
-- A list: pages show its first rows.
SELECT s.report_id, s.label, s.year, f.n_failed_checks AS n_failed,
       (SELECT count(*) FROM raw_checks c WHERE c.report_id = s.report_id AND c.status = 'fail'
                                             AND c.severity = 'error') AS n_errors
FROM sel s JOIN fig f USING (report_id)
WHERE f.n_failed_checks > 0
ORDER BY n_failed DESC, s.list_order;
