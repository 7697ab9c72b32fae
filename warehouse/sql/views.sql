-- Dashboard views over the raw warehouse tables (raw_reports, raw_metrics, raw_checks). rep comes last: it carries
-- the per-report figures of fig, which are computed from mv. A Jinja template (its loops write fig's columns), rendered
-- from the metric catalogue by etl/warehouse/marts.py views_sql(); run that text, not this file.
-- labels: the one vocabulary (etl/vocabulary.csv): code kind, code, the Chinese a user reads, and its rank (its place
-- in its kind: levels national 0 … township 4, unknown 5). The build writes it into the warehouse (marts/labels);
-- views and queries name codes by joining it (macros.sql: label_zh(), rule_zh()).
CREATE VIEW labels AS
SELECT * FROM (VALUES
{%- for kind, code, label, rank in vocabulary %}
    ({{ kind | sql }}, {{ code | sql }}, {{ label | sql }}, {{ rank }}){{ "," if not loop.last }}
{%- endfor %}
) AS t(kind, code, label_zh, rank);

-- mv: one value per report × metric × applicant for this year's figures (basis = 'year').
-- A table value (or its correction, source = 'manual') wins; a figure from the prose (source = 'text') fills in
-- only where the table has none. Nearly every cell has one row: only the keys of several rows (`shared`, found by
-- a hash of the key, so a collision merely sends a few more rows through the window) are ranked, which keeps the
-- wide rows out of a window that would spill them to disk at 100 000 reports.
CREATE VIEW mv AS
WITH y AS NOT MATERIALIZED (
    SELECT m.*, hash(m.report_id, m.metric, coalesce(m.applicant, '')) AS k
    FROM raw_metrics m
    WHERE coalesce(m.basis, 'year') = 'year'
), shared AS (
    SELECT k FROM y GROUP BY k HAVING count(*) > 1
), one AS (
    SELECT * EXCLUDE (k) FROM y WHERE k NOT IN (SELECT k FROM shared)
    UNION ALL
    SELECT * EXCLUDE (k, rn) FROM (
        SELECT y.*, row_number() OVER (
                   PARTITION BY y.report_id, y.metric, coalesce(y.applicant, '')
                   ORDER BY (y.value IS NULL), (coalesce(y.source, 'table') NOT IN ('table', 'manual')), y.locator) AS rn
        FROM y WHERE k IN (SELECT k FROM shared)
    ) WHERE rn = 1
)
SELECT report_id, metric, applicant, value, raw, unit, coalesce(source, 'table') AS source, locator FROM one;

-- kpi: the headline measures of each report, comparable across the three formats. 行政诉讼 is the table's figure
-- (old: 行政诉讼数量; 2019/2021: 未经复议直接起诉 + 复议后起诉); a figure the prose states ("诉讼9件") is evidence,
-- never added to the table's, and stands in only where the table has no lawsuit figure at all.
CREATE VIEW kpi AS
WITH w AS (
    SELECT report_id,
        max(value) FILTER (WHERE metric = 'active.total') AS active_total,
        max(value) FILTER (WHERE metric = 'request.received') AS old_received,
        max(value) FILTER (WHERE metric = 'request.new' AND applicant = 'total') AS new_received_total,
        sum(value) FILTER (WHERE metric = 'request.new' AND applicant <> 'total') AS new_received_parts,
        max(value) FILTER (WHERE metric = 'review.total') AS review_total,
        sum(value) FILTER (WHERE metric IN ('litigation.total', 'litigation_direct.total',
                                            'litigation_after_review.total') AND source = 'table') AS lit_table,
        sum(value) FILTER (WHERE metric IN ('litigation.total', 'litigation_direct.total',
                                            'litigation_after_review.total') AND source <> 'table') AS lit_text,
        bool_or(source = 'text' AND metric = 'active.total') AS active_from_text
    FROM mv GROUP BY report_id
)
SELECT report_id, active_total, active_from_text,
       coalesce(old_received, new_received_total, new_received_parts) AS received,
       review_total,
       coalesce(lit_table, lit_text) AS litigation_total
FROM w;

-- outc: request outcomes per report on the category set of outcomes.sql (which explains the mapping), summed over
-- the metrics of each category; `answered` is the report's denominator. outcomes.sql only joins it to `sel`.
-- In 2019/2021 reports a blank 总计 cell falls back to the sum of the applicant columns.
CREATE VIEW outc AS
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
SELECT c.report_id, c.category, sum(c.value) AS value, count(c.value) AS n_cells, any_value(t.answered) AS answered
FROM cat c LEFT JOIN answered t USING (report_id)
WHERE c.category IS NOT NULL
GROUP BY c.report_id, c.category;

-- req: per report, the request figures requests.sql shows besides kpi.received (only the metrics it reads).
CREATE VIEW req AS
SELECT report_id,
    max(value) FILTER (WHERE metric = 'request.closed') AS closed,
    max(value) FILTER (WHERE metric = 'request.closed.on_time') AS on_time,
    max(value) FILTER (WHERE metric = 'request.answered') AS old_answered,
    max(value) FILTER (WHERE metric = 'outcome.total' AND applicant = 'total') AS new_answered,
    max(value) FILTER (WHERE metric = 'request.carried_in' AND applicant = 'total') AS carried_in,
    bool_or(source = 'text' AND metric IN ('request.received', 'request.new')) AS received_from_text
FROM mv
WHERE metric IN ('request.closed', 'request.closed.on_time', 'request.answered', 'outcome.total',
                 'request.carried_in', 'request.received', 'request.new')
GROUP BY report_id;

-- fig: one row per counted report with the figures the list pages show, one column per measure (this year's value
-- of mv), so a list or a sum reads one row per report instead of one per metric; rep carries them. The columns are
-- those metrics.csv names in its `figure` column, and one per applicant of request.new: adding a metric there adds
-- its column here. n_<group>_rows count the metric rows a report has for a page (`figure_group`; 0 = the page does
-- not list it); a figure of several metrics (行政诉讼 lit_*: in 2019/2021 未经复议直接起诉 + 复议后起诉) is their sum,
-- of the table's cells only: a prose figure stands in only where the table has none, as in kpi; a result is null
-- only where every cell of it was left blank. *_text name the measures taken from the prose (据正文).
CREATE VIEW fig AS
WITH w AS (     -- one column per `figure` of metrics.csv (written from it: etl/warehouse/marts.py views_sql())
    SELECT report_id,
{%- for g in figure_groups %}
        count(*) FILTER (WHERE metric IN {{ g.metrics | in_list }}) AS n_{{ g.name }}_rows,
    {%- for column, metrics in g.figures %}
        {%- if metrics | length == 1 %}
        max(value) FILTER (WHERE metric = '{{ metrics[0] }}') AS {{ column }},
        {%- else %}
        coalesce(sum(value) FILTER (WHERE metric IN {{ metrics | in_list }} AND source = 'table'),
                 sum(value) FILTER (WHERE metric IN {{ metrics | in_list }} AND source <> 'table')) AS {{ column }},
        {%- endif %}
    {%- endfor %}
{%- endfor %}
        count(*) FILTER (WHERE metric = 'request.new' AND applicant IS NOT NULL AND applicant <> 'total') AS n_applicant_rows,
{%- for a in applicants %}
        max(value) FILTER (WHERE metric = 'request.new' AND applicant = '{{ a }}') AS {{ a }},
{%- endfor %}
    FROM mv
    WHERE metric IN {{ (figure_groups | map(attribute='metrics') | sum(start=[]) + ['request.new']) | in_list }}
    GROUP BY report_id
), txt AS (     -- the few figures taken from the prose, listed per page
    SELECT report_id,
        string_agg(metric, ',' ORDER BY metric) FILTER (WHERE metric = 'active.total' OR metric LIKE 'channel.%')
          AS channel_text,
        string_agg(metric, ',' ORDER BY metric) FILTER (WHERE split_part(metric, '.', 1)
                                                        IN ('org', 'staff', 'budget', 'meetings', 'training')) AS staff_text
    FROM mv WHERE source = 'text' GROUP BY report_id
), o AS (
    SELECT report_id, count(*) AS n_outcome_rows, any_value(answered) AS answered,
        max(value) FILTER (WHERE category = '予以公开') AS granted,
        max(value) FILTER (WHERE category = '部分公开') AS partial,
        max(value) FILTER (WHERE category = '不予公开') AS denied,
        max(value) FILTER (WHERE category = '无法提供') AS unable
    FROM outc GROUP BY report_id
), c AS (
    SELECT report_id, count(*) AS n_failed_checks FROM raw_checks WHERE status = 'fail' GROUP BY report_id
)
-- w reads only the rows of its metrics: a report with rows in mv (a kpi row) but none of these counts 0 of each
SELECT r.report_id,
       w.* EXCLUDE (report_id) REPLACE (
{%- for g in figure_groups %}
           CASE WHEN k.report_id IS NOT NULL THEN coalesce(w.n_{{ g.name }}_rows, 0) END AS n_{{ g.name }}_rows,
{%- endfor %}
           CASE WHEN k.report_id IS NOT NULL THEN coalesce(w.n_applicant_rows, 0) END AS n_applicant_rows),
       txt.channel_text, txt.staff_text, o.* EXCLUDE (report_id),
       coalesce(c.n_failed_checks, 0) AS n_failed_checks,
       k.received, q.carried_in, coalesce(q.old_answered, q.new_answered) AS request_answered, q.closed, q.on_time,
       q.closed IS NOT NULL AND q.closed > 0 AND q.on_time IS NOT NULL AS has_on_time,
       coalesce(q.received_from_text, false) AS received_from_text,
       k.received IS NOT NULL OR q.closed IS NOT NULL OR coalesce(q.old_answered, q.new_answered) IS NOT NULL AS has_requests
FROM raw_reports r LEFT JOIN w USING (report_id) LEFT JOIN txt USING (report_id) LEFT JOIN o USING (report_id)
     LEFT JOIN c USING (report_id) LEFT JOIN kpi k USING (report_id) LEFT JOIN req q USING (report_id)
WHERE r.duplicate_of IS NULL;

-- fails: the failed checks only (a few per cent of all checks), for the lists of failed checks.
CREATE VIEW fails AS
SELECT report_id, rule, severity, expected, actual, message,
       CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END AS severity_rank
FROM raw_checks WHERE status = 'fail';

-- rep: one row per counted report (duplicates and files with no year dropped), with Chinese labels for display and the report's figures
-- (fig), so a list page reads one table: a filter, a top-N on list_order and a count, no join.
CREATE VIEW rep AS
WITH base AS (
    SELECT r.*,
           CAST(r.year AS INTEGER) AS yr,
           coalesce(nullif(r.agency_short, ''), r.agency, r.source_file) AS short0,
           coalesce(nullif(r.agency_id, ''), r.agency, r.report_id) AS aid
    FROM raw_reports r
    WHERE r.duplicate_of IS NULL AND r.year IS NOT NULL     -- a file with no year read is listed by problem_files
), same_short AS (       -- agencies sharing a short name get their place added to it
    SELECT short0, count(DISTINCT aid) AS n_same_short FROM base GROUP BY short0
), named AS (
    SELECT base.*, same_short.n_same_short FROM base JOIN same_short USING (short0)
), lab AS (
SELECT report_id, source_file, file_format, template, template_variant, yr AS year, agency, aid AS agency_id,
       CASE WHEN n_same_short > 1
            THEN short0 || '·' || coalesce(county, prefecture, province, parent, '?') ELSE short0 END AS agency_name,
       CASE WHEN n_same_short > 1
            THEN short0 || '·' || coalesce(county, prefecture, province, parent, '?') ELSE short0 END
         || CASE WHEN scope = 'aggregate' THEN '（汇总）' ELSE '' END AS label,
       agency_kind, level, province, prefecture, county, township, parent, scope, publish_date,
       parse_status, error, parser_version,
       lv.label_zh AS level_zh, lv.rank AS level_rank, ak.label_zh AS kind_zh, sc.label_zh AS scope_zh,
       tp.label_zh AS template_zh, coalesce(ps.label_zh, parse_status) AS status_zh
FROM named
LEFT JOIN labels lv ON lv.kind = 'level' AND lv.code = coalesce(named.level, 'unknown')
LEFT JOIN labels ak ON ak.kind = 'agency_kind' AND ak.code = coalesce(named.agency_kind, 'unknown')
LEFT JOIN labels sc ON sc.kind = 'scope' AND sc.code = coalesce(named.scope, 'self')
LEFT JOIN labels tp ON tp.kind = 'template' AND tp.code = coalesce(named.template, 'unknown')
LEFT JOIN labels ps ON ps.kind = 'parse_status' AND ps.code = named.parse_status
)
-- list_order: the rank of (level_rank, label, year), the order of every per-report list, as one integer to sort on
-- (ranked over the distinct keys only, so the window never holds the wide rows)
, ord AS (
    SELECT level_rank, label, year, row_number() OVER (ORDER BY level_rank, label, year) AS list_order
    FROM (SELECT DISTINCT level_rank, label, year FROM lab)
)
SELECT lab.*, ord.list_order, fig.* EXCLUDE (report_id)
FROM lab JOIN ord USING (level_rank, label, year) LEFT JOIN fig USING (report_id);


-- opts: the values the global filters offer (filter_options.sql reads it). One row per agency and place (the place
-- columns as parsed may differ between an agency's reports), with its first year; then one report of every year,
-- template and scope, so every option is there while the rows grow with the agencies, not with the reports.
CREATE VIEW opts AS
WITH opt AS (
    SELECT year, province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh,
           template, template_zh, agency_id, agency_name, scope
    FROM rep
)
SELECT min(year) AS year, province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh,
       min(template) AS template, arg_min(template_zh, template) AS template_zh, agency_id, agency_name,
       min(scope) AS scope
FROM opt
GROUP BY province, prefecture, county, level, level_zh, level_rank, agency_kind, kind_zh, agency_id, agency_name
UNION ALL SELECT * FROM (SELECT DISTINCT ON (year) * FROM opt ORDER BY year, agency_id, template, scope)
UNION ALL SELECT * FROM (SELECT DISTINCT ON (template) * FROM opt ORDER BY template, agency_id, year, scope)
UNION ALL SELECT * FROM (SELECT DISTINCT ON (scope) * FROM opt ORDER BY scope, agency_id, year, template);
