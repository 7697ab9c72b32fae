-- The report years `etl collect` found on the sites, newest first.
SELECT DISTINCT year FROM raw_collection WHERE year IS NOT NULL ORDER BY year DESC;
