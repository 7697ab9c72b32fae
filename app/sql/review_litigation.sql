-- 复议诉讼: results of administrative reviews and lawsuits, one row per report and kind (mart rl).
-- Old format: review.* and litigation.*; 2019/2021: review.* and litigation_direct.* + litigation_after_review.*
-- (the two lawsuit blocks are added up to one 行政诉讼 figure). 纠错率 = 纠正 ÷ (维持 + 纠正 + 其他结果), pending
-- cases left out; null where nothing was decided. A list: pages show its first rows; review_by_year sums it.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       x.kind, x.total, x.upheld, x.corrected, x.other, x.pending,
       x.corrected / nullif(coalesce(x.upheld, 0) + coalesce(x.corrected, 0) + coalesce(x.other, 0), 0) AS correction_rate
FROM sel s JOIN rl x USING (report_id)
ORDER BY s.list_order, x.kind;
