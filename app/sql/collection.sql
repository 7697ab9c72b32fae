-- 采集: every source `etl collect` read, with this year's ($year) report where one was found on the site: the
-- listed date, the report's page date, the warehouse's publish_date (and where it came from) and kind.
WITH src AS (
    SELECT DISTINCT agency, source_url, level, place, agency_id, status, error, collected_at FROM raw_collection
), hit AS (
    SELECT * FROM raw_collection WHERE year = $year
)
SELECT s.agency, s.level, s.place, s.status, s.error, s.source_url, s.collected_at,
       h.year IS NOT NULL AS found, h.title, h.url, h.list_date, h.page_date, h.report_id,
       r.publish_date, r.publish_date_source, r.agency_kind
FROM src s
LEFT JOIN hit h USING (agency, source_url)
LEFT JOIN raw_reports r ON r.report_id = h.report_id
ORDER BY found, s.status = 'ok', s.agency, s.source_url;
