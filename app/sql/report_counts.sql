-- Number of filtered reports per year and parse status.
SELECT year, count(*) AS n_reports,
       count(*) FILTER (WHERE parse_status = 'ok') AS n_ok,
       count(*) FILTER (WHERE parse_status = 'partial') AS n_partial,
       count(*) FILTER (WHERE parse_status = 'failed') AS n_failed
FROM selected($filters) GROUP BY year ORDER BY year;
