-- 2019/2021 formats, section 二: 规章, 规范性文件 (made, published, public total, repealed, in force) and
-- 行政许可/处罚/强制 decisions, one row per report (mart fig). A list: pages show its first rows.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       f.rules_made, f.rules_published, f.rules_public_total, f.rules_repealed, f.rules_in_force,
       f.normative_made, f.normative_published, f.normative_public_total, f.normative_repealed, f.normative_in_force,
       f.license_decisions, f.penalty_decisions, f.coercion_decisions
FROM sel s JOIN fig f USING (report_id)
WHERE f.n_item_rows > 0
ORDER BY s.list_order;
