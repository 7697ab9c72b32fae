-- The cross-year rules of etl/checks/year_rules.py, checked on the finished warehouse: a report's cell against
-- figures of the same agency's report of the year before and of its own (checked = plus terms - minus terms).
-- Input: m (table metrics with agency_id, year and applicant_zh, of reports that are not duplicates);
-- year_terms(rule, instance, pos, sign, year, metric, basis, says): the rules as rows. pos 0 is the checked cell,
-- year -1 reads the report of the year before, a NULL metric is the checked cell's own; macros n(x) (a number as
-- printed) and label(metric) (its Chinese label).
-- A rule is checked only where every term was printed: a blank is not read as 0.
-- `cells`: the report's own cells the rule reads (metric, applicant, basis), for the 预审 and the report page to
-- mark; not a warehouse column (finalise leaves it out).
WITH reports_read AS (SELECT DISTINCT report_id, agency_id, year FROM m),
checked AS (
    SELECT t.rule, t.instance, c.report_id, c.agency_id, c.year, c.metric, c.applicant, c.basis, c.value AS actual,
           replace(replace(t.says, '{label}', label(c.metric)), '{applicant}', coalesce(c.applicant_zh, '')) AS says
    FROM year_terms t JOIN m c ON c.metric = coalesce(t.metric, c.metric) AND c.basis = t.basis
    WHERE t.pos = 0 AND c.value IS NOT NULL
),
with_year_before AS (
    SELECT k.*, p.report_id AS before_id
    FROM checked k JOIN reports_read p ON p.agency_id = k.agency_id AND p.year = k.year - 1
),
terms AS (
    SELECT k.rule, k.instance, k.report_id, k.before_id, k.metric, k.applicant, k.basis AS checked_basis, k.actual,
           k.says AS checked_says, t.pos, t.sign, t.year AS term_year, coalesce(t.metric, k.metric) AS term_metric,
           t.basis AS term_basis, x.value, replace(t.says, '{label}', label(k.metric)) AS says
    FROM with_year_before k
    JOIN year_terms t ON t.instance = k.instance AND t.pos > 0
    LEFT JOIN m x ON x.report_id = (CASE WHEN t.year = 0 THEN k.report_id ELSE k.before_id END)
     AND x.metric = coalesce(t.metric, k.metric) AND x.applicant IS NOT DISTINCT FROM k.applicant
     AND x.basis = t.basis
),
summed AS (
    SELECT report_id, rule, any_value(actual) AS actual, sum(sign * value) AS expected,
           any_value(checked_says) || '（' || n(any_value(actual)) || '）不等于'
             || string_agg(CASE WHEN pos = 1 THEN '' WHEN sign > 0 THEN '加' ELSE '减' END
                           || says || '（' || n(value) || '）', '' ORDER BY pos) AS msg_fail,
           list_prepend(
               {'metric': any_value(metric), 'applicant': any_value(applicant), 'basis': any_value(checked_basis)},
               coalesce(list({'metric': term_metric, 'applicant': applicant, 'basis': term_basis} ORDER BY pos)
                   FILTER (WHERE term_year = 0), [])) AS cells
    FROM terms
    GROUP BY report_id, before_id, rule, instance, metric, applicant
    HAVING count(value) = count(*)
)
SELECT report_id, rule, 'warning' AS severity,
       CASE WHEN abs(expected - actual) < 1e-6 THEN 'pass' ELSE 'fail' END AS status,
       expected, actual,
       CASE WHEN abs(expected - actual) < 1e-6 THEN '与上年报告衔接一致' ELSE msg_fail END AS message, cells
FROM summed
