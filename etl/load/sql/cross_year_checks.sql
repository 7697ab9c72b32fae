-- Rules that need the same agency's previous report (formats.md §7, "Across years").
-- Input views: r (reports, not duplicates), m (table metrics with agency_id and year);
-- macros n(x) (a number as printed) and label(metric) (its Chinese label).
WITH cur AS (SELECT * FROM m), prev AS (SELECT * FROM m),
carry AS (
    SELECT c.report_id, 'xyear.carry_over' AS rule, 'warning' AS severity,
           p.value AS expected, c.value AS actual,
           format('「{}」列：本年上年结转（{}）与上年报告的结转下年度继续办理（{}）不一致',
                  c.applicant_zh, n(c.value), n(p.value)) AS msg_fail
    FROM cur c JOIN prev p ON p.agency_id = c.agency_id AND p.year = c.year - 1
     AND p.metric = 'request.carried_out' AND p.applicant = c.applicant
    WHERE c.metric = 'request.carried_in' AND c.value IS NOT NULL AND p.value IS NOT NULL
),
in_force AS (
    SELECT c.report_id, 'xyear.in_force' AS rule, 'warning' AS severity,
           p.value + made.value - coalesce(rep.value, 0) AS expected, c.value AS actual,
           format('{}现行有效件数（{}）不等于上年现行有效（{}）加本年制发（{}）减本年废止（{}）',
                  CASE WHEN c.metric LIKE 'rules%' THEN '规章' ELSE '行政规范性文件' END,
                  n(c.value), n(p.value), n(made.value), n(coalesce(rep.value, 0))) AS msg_fail
    FROM cur c
    JOIN prev p ON p.agency_id = c.agency_id AND p.year = c.year - 1 AND p.metric = c.metric
    JOIN cur made ON made.report_id = c.report_id AND made.metric = replace(c.metric, 'in_force', 'made')
     AND made.metric IN ('rules.made', 'normative.made')
    LEFT JOIN cur rep ON rep.report_id = c.report_id AND rep.metric = replace(c.metric, 'in_force', 'repealed')
     AND rep.metric IN ('rules.repealed', 'normative.repealed')
    WHERE c.metric IN ('rules.in_force', 'normative.in_force') AND c.value IS NOT NULL
      AND p.metric IN ('rules.in_force', 'normative.in_force')    -- implied; lets DuckDB filter before joining
      AND p.value IS NOT NULL AND made.value IS NOT NULL
),
prev_items AS (
    SELECT c.report_id, 'xyear.prev_items' AS rule, 'warning' AS severity,
           p.value + pc.value AS expected, c.value AS actual,
           format('「{}」上一年项目数量（{}）不等于上年报告的上一年项目数量（{}）加本年增/减（{}）',
                  label(c.metric), n(c.value), n(p.value), n(pc.value)) AS msg_fail
    FROM cur c
    JOIN prev p ON p.agency_id = c.agency_id AND p.year = c.year - 1 AND p.metric = c.metric
    JOIN prev pc ON pc.report_id = p.report_id AND pc.metric = replace(p.metric, 'prev_items', 'change')
    WHERE c.metric LIKE '%.prev_items' AND c.value IS NOT NULL AND p.value IS NOT NULL AND pc.value IS NOT NULL
      AND p.metric LIKE '%.prev_items'                              -- implied; lets DuckDB filter before joining
),
chain AS (
    SELECT c.report_id, 'old.cumulative.chain' AS rule, 'warning' AS severity,
           p.value + y.value AS expected, c.value AS actual,
           format('「{}」历年累计（{}）不等于上年历年累计（{}）加本年度数（{}）', label(c.metric), n(c.value), n(p.value), n(y.value)) AS msg_fail
    FROM cur c
    JOIN prev p ON p.agency_id = c.agency_id AND p.year = c.year - 1 AND p.metric = c.metric AND p.basis = 'cumulative'
    JOIN cur y ON y.report_id = c.report_id AND y.metric = c.metric AND y.basis = 'year'
    WHERE c.basis = 'cumulative' AND c.value IS NOT NULL AND p.value IS NOT NULL AND y.value IS NOT NULL
),
all_rules AS (
    SELECT * FROM carry UNION ALL SELECT * FROM in_force UNION ALL SELECT * FROM prev_items UNION ALL SELECT * FROM chain
)
SELECT report_id, rule, severity,
       CASE WHEN abs(expected - actual) < 1e-6 THEN 'pass' ELSE 'fail' END AS status,
       expected, actual,
       CASE WHEN abs(expected - actual) < 1e-6 THEN '与上年报告衔接一致' ELSE msg_fail END AS message
FROM all_rules
