-- coverage: one row per roster agency (table `roster`) and report year of its span within the warehouse's years
-- $y0..$y1. The report counted for an agency-year is its own (本级) one first, then the earliest published; a
-- duplicate copy or a failed file is never counted. A year without a report is 缺报 (missing), or 网站未找到
-- (not_found) when `etl collect` read the agency's 年报 column (its roster URL) without finding that year's report,
-- or 已撤销 / 已并入 from the year the agency was abolished or merged.
WITH yrs AS (SELECT unnest(range($y0, $y1 + 1)) AS year),
rep AS (
    SELECT agency_id, year, report_id, publish_date, scope,
           count(*) OVER (PARTITION BY agency_id, year) AS n_reports,
           row_number() OVER (PARTITION BY agency_id, year
                              ORDER BY scope = 'self' DESC, publish_date NULLS LAST, report_id) AS pick
    FROM read_parquet($reports)
    WHERE duplicate_of IS NULL AND parse_status <> 'failed' AND agency_id IS NOT NULL AND year IS NOT NULL
),
searched AS (SELECT DISTINCT rtrim(source_url, '/') AS url FROM collection WHERE status <> 'failed'),
listed AS (SELECT DISTINCT rtrim(source_url, '/') AS url, year FROM collection WHERE year IS NOT NULL),
span AS (
    SELECT g.*, yrs.year FROM roster g CROSS JOIN yrs
    WHERE yrs.year >= coalesce(g.from_year, $y0)
)
SELECT s.agency_id, s.agency, s.level, s.kind, s.province, s.prefecture, s.county, s.parent, CAST(s.year AS INTEGER) AS year,
       CASE WHEN r.report_id IS NOT NULL THEN
                CASE WHEN r.publish_date IS NULL THEN 'undated'
                     WHEN r.publish_date > d.deadline THEN 'late' ELSE 'on_time' END
            WHEN s.year >= s.end_year THEN CASE s."end" WHEN 'merged' THEN 'merged' ELSE 'abolished' END
            WHEN se.url IS NOT NULL AND li.url IS NULL THEN 'not_found'
            ELSE 'missing' END AS status,
       d.deadline, r.publish_date,
       CAST(CASE WHEN r.publish_date IS NOT NULL THEN greatest(r.publish_date - d.deadline, 0) END AS INTEGER)
           AS days_late,
       r.report_id, CAST(coalesce(r.n_reports, 0) AS INTEGER) AS n_reports
FROM span s
LEFT JOIN rep r ON r.agency_id = s.agency_id AND r.year = s.year AND r.pick = 1
LEFT JOIN deadlines d ON d.year = s.year AND d.deadline_kind = s.deadline_kind
LEFT JOIN searched se ON se.url = s.url
LEFT JOIN listed li ON li.url = s.url AND li.year = s.year
