-- A duplicate copy of a report (same agency and year) whose figures differ from the copy that was kept.
-- A national crawl holds the HTML and the PDF of many reports, so each involved report's table figures are
-- first reduced to one fingerprint: a copy whose figures are the keeper's passes at once, and only the copies
-- that differ are compared cell by cell (on the cells both copies filled).
WITH dup AS (
    SELECT report_id, duplicate_of FROM reports WHERE duplicate_of IS NOT NULL
), involved AS (
    SELECT report_id FROM dup UNION SELECT duplicate_of FROM dup
), print AS (
    SELECT report_id, bit_xor(hash(metric, applicant, basis, value)) AS fp, count(*) AS cells,
           count(value) AS filled
    FROM m_all WHERE report_id IN (SELECT report_id FROM involved)
    GROUP BY report_id
), same AS (
    SELECT d.report_id
    FROM dup d JOIN print a ON a.report_id = d.report_id JOIN print b ON b.report_id = d.duplicate_of
    WHERE a.fp = b.fp AND a.cells = b.cells AND a.filled > 0
), differ AS (
    SELECT * FROM dup WHERE report_id NOT IN (SELECT report_id FROM same)
), cells AS (
    SELECT * FROM m_all
    WHERE value IS NOT NULL
      AND report_id IN (SELECT report_id FROM differ UNION SELECT duplicate_of FROM differ)
)
SELECT report_id, 'duplicate.agree' AS rule, 'warning' AS severity, 'pass' AS status, NULL::DOUBLE AS expected,
       0::DOUBLE AS actual, '与保留的同一报告副本数字一致' AS message
FROM same
UNION ALL
SELECT d.report_id, 'duplicate.agree' AS rule, 'warning' AS severity,
       CASE WHEN count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value) = 0 THEN 'pass' ELSE 'fail' END AS status,
       NULL::DOUBLE AS expected,
       count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value)::DOUBLE AS actual,
       CASE WHEN count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value) = 0
            THEN '与保留的同一报告副本数字一致'
            ELSE format('与保留的副本（{}）有 {} 个单元格数字不同，例如「{}」', any_value(d.duplicate_of),
                        count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value),
                        min(c.metric) FILTER (WHERE k.value IS DISTINCT FROM c.value)) END AS message
FROM differ d
JOIN cells c ON c.report_id = d.report_id
JOIN cells k ON k.report_id = d.duplicate_of AND k.metric = c.metric
            AND k.applicant IS NOT DISTINCT FROM c.applicant AND k.basis = c.basis
GROUP BY d.report_id
