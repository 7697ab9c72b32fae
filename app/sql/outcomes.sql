-- Outcomes of requests on ONE category set comparable across the 2018→2019 format change.
-- Old format (request.answered.*)                      → category        ← 2019/2021 (outcome.*, applicant = total)
--   granted + already_public (已主动公开, 告知获取途径) → 予以公开        ← outcome.granted
--   partial                                           → 部分公开        ← outcome.partial
--   denied (its six reasons)                          → 不予公开        ← Σ outcome.denied.* (8 reasons)
--   not_this_agency + not_exist                       → 无法提供（不掌握/不存在） ← outcome.unable.not_held + outcome.unable.needs_creation
-- Left out as not comparable: old correction / other_route / other; new unable.unclear, unprocessed.*, other.*.
-- Rates divide by all answers of the report (old request.answered, new outcome.total), so categories left out
-- make up the rest of 100 %.
-- In 2019/2021 reports a blank 总计 cell (Shanghai 2019 leaves most of them blank) falls back to the sum of the
-- applicant columns. The per-report sums are the view `outc` (app/sql/views.sql; a mart after a build).
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       c.category, c.value, c.n_cells, c.answered,
       CASE WHEN c.answered > 0 THEN c.value / c.answered END AS rate
FROM sel s JOIN outc c USING (report_id)
ORDER BY s.list_order, c.category;
