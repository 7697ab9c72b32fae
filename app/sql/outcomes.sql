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
-- applicant columns.
WITH val AS (
    SELECT report_id, metric,
           coalesce(max(value) FILTER (WHERE coalesce(applicant, 'total') = 'total'),
                    sum(value) FILTER (WHERE applicant <> 'total')) AS value
    FROM mv
    WHERE metric LIKE 'request.answered%' OR metric LIKE 'outcome.%'
    GROUP BY report_id, metric
), cat AS (
    SELECT report_id, metric, value,
        CASE
            WHEN metric IN ('request.answered.granted', 'request.answered.already_public', 'outcome.granted') THEN '予以公开'
            WHEN metric IN ('request.answered.partial', 'outcome.partial') THEN '部分公开'
            WHEN metric = 'request.answered.denied' OR metric LIKE 'outcome.denied.%' THEN '不予公开'
            WHEN metric IN ('request.answered.not_this_agency', 'request.answered.not_exist',
                            'outcome.unable.not_held', 'outcome.unable.needs_creation') THEN '无法提供'
        END AS category
    FROM val
), answered AS (
    SELECT report_id,
           coalesce(max(value) FILTER (WHERE metric = 'request.answered'),
                    max(value) FILTER (WHERE metric = 'outcome.total')) AS answered
    FROM val GROUP BY report_id
)
SELECT s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh,
       c.category, sum(c.value) AS value, count(c.value) AS n_cells, any_value(t.answered) AS answered,
       CASE WHEN any_value(t.answered) > 0 THEN sum(c.value) / any_value(t.answered) END AS rate
FROM sel s JOIN cat c USING (report_id) LEFT JOIN answered t USING (report_id)
WHERE c.category IS NOT NULL
GROUP BY s.report_id, s.label, s.agency_name, s.level_zh, s.level_rank, s.year, s.template_zh, c.category
ORDER BY s.level_rank, s.label, s.year, c.category;
