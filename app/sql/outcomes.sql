-- Outcomes of requests on ONE category set comparable across the 2018→2019 format change, one row per report.
-- Old format (request.answered.*)                      → category        ← 2019/2021 (outcome.*, applicant = total)
--   granted + already_public (已主动公开, 告知获取途径) → 予以公开        ← outcome.granted
--   partial                                           → 部分公开        ← outcome.partial
--   denied (its six reasons)                          → 不予公开        ← Σ outcome.denied.* (8 reasons)
--   not_this_agency + not_exist                       → 无法提供（不掌握/不存在） ← outcome.unable.not_held + outcome.unable.needs_creation
-- Left out as not comparable: old correction / other_route / other; new unable.unclear, unprocessed.*, other.*.
-- Rates divide by all answers of the report (old request.answered, new outcome.total), so categories left out
-- make up the rest of 100 %.
-- In 2019/2021 reports a blank 总计 cell (Shanghai 2019 leaves most of them blank) falls back to the sum of the
-- applicant columns. The per-report sums are the views `outc` and `fig` (warehouse/sql/views.sql; marts after a build).
-- A list: pages show its first rows; outcomes_by_year sums it.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       s.answered, s.granted, s.partial, s.denied, s.unable,
       s.granted / nullif(s.answered, 0) AS granted_rate, s.partial / nullif(s.answered, 0) AS partial_rate,
       s.denied / nullif(s.answered, 0) AS denied_rate, s.unable / nullif(s.answered, 0) AS unable_rate
FROM selected($filters) s
WHERE s.n_outcome_rows > 0
ORDER BY s.list_order;
