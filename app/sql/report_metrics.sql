-- One report's numbers with their labels, section, source text (raw) and locator, in the order of metrics.csv.
-- Sections are ordered by their leading numeral (一 … 九) as printed; rows keep the order of metrics.csv.
WITH lab AS (SELECT key, section, label_zh,
                    coalesce(nullif(strpos('一二三四五六七八九', left(section, 1)), 0), 10) * 1000
                      + row_number() OVER () AS ord
             FROM metric_labels)
SELECT coalesce(regexp_replace(lab.section, '\s*\(applicant\)\s*$', ''), '其他') AS section, coalesce(lab.label_zh, m.metric) AS label_zh, m.metric,
       m.applicant, m.basis, m.value, m.raw, m.unit, m.source, m.locator, coalesce(lab.ord, 9999) AS ord
FROM raw_metrics m LEFT JOIN lab ON lab.key = m.metric
WHERE m.report_id = $report_id
ORDER BY ord, m.basis, m.source, m.applicant;
