-- 复议诉讼: results of administrative reviews (review_*) and lawsuits (lit_*), one row per report (rep carries the
-- figures of view fig). Old format: review.* and litigation.*; 2019/2021: review.* and litigation_direct.* +
-- litigation_after_review.* (the two lawsuit blocks are added up to one 行政诉讼 figure). 纠错率 = 纠正 ÷
-- (维持 + 纠正 + 其他结果), pending cases left out; null where nothing was decided.
-- A list: pages show its first rows; review_by_year sums it.
SELECT report_id, label, agency_name, level_zh, level_rank, year, template_zh, n_review_rows, n_lit_rows,
       review_total, review_upheld, review_corrected, review_other, review_pending,
       review_corrected / nullif(coalesce(review_upheld, 0) + coalesce(review_corrected, 0) + coalesce(review_other, 0), 0)
         AS review_rate,
       lit_total, lit_upheld, lit_corrected, lit_other, lit_pending,
       lit_corrected / nullif(coalesce(lit_upheld, 0) + coalesce(lit_corrected, 0) + coalesce(lit_other, 0), 0)
         AS lit_rate
FROM selected($filters)
WHERE n_review_rows > 0 OR n_lit_rows > 0
ORDER BY list_order;
