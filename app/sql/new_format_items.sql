-- 2019/2021 formats, section 二: 规章, 规范性文件 (made, published, public total, repealed, in force) and
-- 行政许可/处罚/强制 decisions, one row per report (rep carries the figures of view fig). A list: pages show its first rows.
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       s.rules_made, s.rules_published, s.rules_public_total, s.rules_repealed, s.rules_in_force,
       s.normative_made, s.normative_published, s.normative_public_total, s.normative_repealed, s.normative_in_force,
       s.license_decisions, s.penalty_decisions, s.coercion_decisions
FROM selected($filters) s
WHERE s.n_item_rows > 0
ORDER BY s.list_order;
