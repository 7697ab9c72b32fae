-- The agencies of the selection a reviewer may mark abolished or merged (audit/fates.py): their place (a reviewer
-- marks only those of the region) and the years of their first and last report.
SELECT agency_id, any_value(agency_name) AS agency_name, any_value(province) AS province,
       any_value(prefecture) AS prefecture, min(level_rank) AS level_rank,
       min(year) AS first_year, max(year) AS last_year
FROM selected($filters)
GROUP BY agency_id
ORDER BY level_rank, agency_name, agency_id;
