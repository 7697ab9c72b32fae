-- 2019/2021 formats, section 二: 规章, 规范性文件, 行政许可/处罚/强制 decisions per report.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       m.metric,
       CASE split_part(m.metric, '.', 1) WHEN 'rules' THEN '规章' WHEN 'normative' THEN '规范性文件'
            WHEN 'license' THEN '行政许可' WHEN 'penalty' THEN '行政处罚' WHEN 'coercion' THEN '行政强制' END AS item,
       CASE split_part(m.metric, '.', 2) WHEN 'made' THEN '本年制发/新制作' WHEN 'published' THEN '本年新公开'
            WHEN 'public_total' THEN '对外公开总数' WHEN 'repealed' THEN '本年废止' WHEN 'in_force' THEN '现行有效'
            WHEN 'decisions' THEN '处理决定数' END AS measure,
       m.value, m.raw, m.source, m.locator
FROM sel s JOIN mv m USING (report_id)
WHERE m.metric IN ('rules.made', 'rules.published', 'rules.public_total', 'rules.repealed', 'rules.in_force',
                   'normative.made', 'normative.published', 'normative.public_total', 'normative.repealed',
                   'normative.in_force', 'license.decisions', 'penalty.decisions', 'coercion.decisions')
ORDER BY s.list_order, m.metric;
