-- One report's numbers with their labels, section, source text (raw) and locator, in the order of metrics.csv.
-- Sections are ordered by their leading numeral (一 … 九) as printed; rows keep the order of metrics.csv. Labels and
-- sections are the report's own format's (format_labels: not "本年新制作数量 (2019) / 本年制发件数 (2021)").
WITH lab AS (SELECT key, section, label_zh,
                    coalesce(nullif(strpos('一二三四五六七八九', left(section, 1)), 0), 10) * 1000
                      + row_number() OVER () AS ord
             FROM metric_labels),
own AS (SELECT f.key, f.section, f.label_zh FROM format_labels f
        WHERE f.template = (SELECT template FROM raw_reports WHERE report_id = $report_id))
SELECT coalesce(regexp_replace(coalesce(own.section, lab.section), '\s*\(applicant\)\s*$', ''), '其他') AS section,
       coalesce(own.label_zh, lab.label_zh, m.metric) AS label_zh, m.metric,
       m.applicant, m.basis, m.value, m.raw, m.unit, m.source, m.locator, coalesce(lab.ord, 9999) AS ord
FROM raw_metrics m LEFT JOIN lab ON lab.key = m.metric LEFT JOIN own ON own.key = m.metric
WHERE m.report_id = $report_id
ORDER BY ord, m.basis, m.source, m.applicant;
