-- 复议诉讼: results of administrative reviews and lawsuits per report.
-- Old format: review.* and litigation.*; 2019/2021: review.* and litigation_direct.* + litigation_after_review.*
-- (the two lawsuit blocks are added up to one 行政诉讼 figure; both are shown apart in `route`).
WITH x AS (
    SELECT report_id, value, source,
        CASE WHEN metric LIKE 'review.%' THEN '行政复议' ELSE '行政诉讼' END AS kind,
        CASE WHEN metric LIKE 'litigation_direct.%' THEN '未经复议直接起诉'
             WHEN metric LIKE 'litigation_after_review.%' THEN '复议后起诉'
             WHEN metric LIKE 'litigation.%' THEN '行政诉讼（旧格式）' ELSE '行政复议' END AS route,
        split_part(metric, '.', 2) AS part
    FROM mv
    WHERE (metric >= 'litigation' AND metric < 'litigatioo' OR metric >= 'review' AND metric < 'reviex')  -- prunes mv
      AND split_part(metric, '.', 1) IN ('review', 'litigation', 'litigation_direct', 'litigation_after_review')
)
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       x.kind, x.route,
       CASE x.part WHEN 'upheld' THEN '维持' WHEN 'corrected' THEN '纠正' WHEN 'other' THEN '其他结果'
                   WHEN 'pending' THEN '尚未审结' WHEN 'total' THEN '总计' END AS result,
       x.value
FROM sel s JOIN x USING (report_id)
ORDER BY s.list_order, x.kind, x.route, x.part;
