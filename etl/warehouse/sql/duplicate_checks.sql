-- A duplicate copy of a report (same agency and year) whose figures differ from the copy that was kept.
SELECT d.report_id, 'duplicate.agree' AS rule, 'warning' AS severity,
       CASE WHEN count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value) = 0 THEN 'pass' ELSE 'fail' END AS status,
       NULL::DOUBLE AS expected,
       count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value)::DOUBLE AS actual,
       CASE WHEN count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value) = 0
            THEN '与保留的同一报告副本数字一致'
            ELSE format('与保留的副本（{}）有 {} 个单元格数字不同，例如「{}」', any_value(d.duplicate_of),
                        count(*) FILTER (WHERE k.value IS DISTINCT FROM c.value),
                        min(c.metric) FILTER (WHERE k.value IS DISTINCT FROM c.value)) END AS message
FROM reports d
JOIN m_all c ON c.report_id = d.report_id
JOIN m_all k ON k.report_id = d.duplicate_of AND k.metric = c.metric
            AND k.applicant IS NOT DISTINCT FROM c.applicant AND k.basis = c.basis
WHERE d.duplicate_of IS NOT NULL AND c.value IS NOT NULL AND k.value IS NOT NULL
GROUP BY d.report_id
