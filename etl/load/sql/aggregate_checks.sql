-- structure.aggregate: an aggregate (汇总) report's figures against the sum of its units' reports.
-- Input: aggregate_members(aggregate_id, member_id, complete) (aggregate_members.sql, or the roster's), m_all
-- (table and corrected figures), macros n(x) and metric_name(metric), applicant_zh. With a complete membership every
-- figure must equal the units' sum; with the units the warehouse happens to hold, no figure may be smaller than
-- their sum (a count of the whole is never below the count of some of its parts). Only figures both sides
-- printed are compared (a blank is not 0); 本年增/减 (which may be negative) is left out.
-- The differing cells are listed by name, then by cell (two metrics may share a name), so the message is the same
-- on every run.
-- `cells`: the aggregate's differing cells, for the 预审 and the report page; not a warehouse column.
WITH own AS MATERIALIZED (   -- the aggregates' own figures, a small table to join the units' sums to
    SELECT * FROM m_all WHERE value IS NOT NULL AND report_id IN (SELECT aggregate_id FROM aggregate_members)
), units AS (
    SELECT mb.aggregate_id AS report_id, x.metric, x.applicant, x.basis, sum(x.value) AS units,
           bool_and(mb.complete) AS complete
    FROM aggregate_members mb JOIN m_all x ON x.report_id = mb.member_id
    WHERE x.value IS NOT NULL AND x.basis = 'year' AND x.metric NOT LIKE '%.change'
    GROUP BY ALL
), compared AS (
    SELECT a.report_id, a.metric, a.applicant, a.basis, a.value AS printed, u.units, u.complete,
           CASE WHEN u.complete THEN abs(a.value - u.units) > 1e-6 ELSE a.value < u.units - 1e-6 END AS differs,
           metric_name(a.metric) || coalesce('（' || z.applicant_zh || '）', '') AS says
    FROM own a
    JOIN units u ON u.report_id = a.report_id AND u.metric = a.metric AND u.basis = a.basis
     AND u.applicant IS NOT DISTINCT FROM a.applicant
    LEFT JOIN applicant_zh z ON z.applicant = a.applicant
), members AS (
    SELECT aggregate_id AS report_id, count(*) AS n, bool_and(complete) AS complete
    FROM aggregate_members GROUP BY ALL
)
SELECT c.report_id, 'structure.aggregate' AS rule, 'warning' AS severity,
       CASE WHEN count(*) FILTER (WHERE differs) = 0 THEN 'pass' ELSE 'fail' END AS status,
       arg_min(units, [says, metric, coalesce(applicant, ''), basis]) FILTER (WHERE differs) AS expected,
       arg_min(printed, [says, metric, coalesce(applicant, ''), basis]) FILTER (WHERE differs) AS actual,
       CASE WHEN count(*) FILTER (WHERE differs) = 0
            THEN '汇总数字与 ' || any_value(mb.n) || ' 份下级单位报告之和相符（核对 ' || count(*) || ' 项）'
            ELSE '汇总数字' || CASE WHEN any_value(mb.complete) THEN '不等于' ELSE '小于' END || ' '
                 || any_value(mb.n) || ' 份下级单位报告之和：'
                 || string_agg(says || ' 汇总 ' || n(printed) || '，下级合计 ' || n(units), '；'
                            ORDER BY says, metric, coalesce(applicant, ''), basis)
                    FILTER (WHERE differs)
       END AS message,
       coalesce(list({'metric': metric, 'applicant': applicant, 'basis': basis}
                     ORDER BY says, metric, coalesce(applicant, ''), basis)
                FILTER (WHERE differs), []) AS cells
FROM compared c JOIN members mb USING (report_id)
GROUP BY c.report_id
