-- Which reports an aggregate (汇总) report sums: aggregate_members(aggregate_id, member_id, complete).
-- The hook for the roster (issue 24): a roster that knows an aggregate's units gives these rows with
-- complete = true, and the aggregate is then checked for equality. Without it, the members are what the
-- warehouse knows: the same year's reports of the agency's own place (本级 reports of the same template, for a
-- county government those of the county, its townships and departments), a subset of the units (complete =
-- false), so the aggregate may only be checked to be no smaller than their sum.
-- Input: reports (after the duplicates are marked).
SELECT a.report_id AS aggregate_id, r.report_id AS member_id, false AS complete
FROM reports a
JOIN reports r
  ON r.year = a.year AND r.report_id <> a.report_id AND r.template = a.template
 AND r.scope IS DISTINCT FROM 'aggregate' AND r.duplicate_of IS NULL AND r.parse_status <> 'failed'
 AND r.province = a.province
 AND (a.level = 'province' OR r.prefecture IS NOT DISTINCT FROM a.prefecture)
 AND (a.level IN ('province', 'prefecture') OR r.county IS NOT DISTINCT FROM a.county)
 AND (a.level IN ('province', 'prefecture', 'county') OR r.township IS NOT DISTINCT FROM a.township)
WHERE a.scope = 'aggregate' AND a.duplicate_of IS NULL AND a.parse_status <> 'failed' AND a.year IS NOT NULL
  AND a.province IS NOT NULL AND a.level IS NOT NULL
