-- How many reports of the warehouse are synthetic (the demo dataset of `python -m etl demo`: every agency is
-- named 演示…, a name no real place has), and how many reports there are in all.
SELECT count(*) FILTER (WHERE agency LIKE '演示%') AS demo_reports, count(*) AS reports
FROM raw_reports;
