-- The macros the named queries share (created on each connection after the views or marts): the global filters
-- and the 汇总 rule as two table macros, the Chinese names of codes from the warehouse's `labels` table, and the
-- files not parsed whole as one view.
-- $filters is one struct (app/queries.py Filters.params()): a field is NULL where the filter is not set, so
-- `FROM selected($filters)` with nothing chosen is every report of rep.

-- label_zh(kind, code): the Chinese a user reads for a code (labels: etl/vocabulary.csv); NULL for an unknown code.
CREATE MACRO label_zh(k, c) AS (SELECT label_zh FROM labels WHERE kind = k AND code = c);

-- rule_zh(rule): a check rule's short Chinese name; a rule not listed reads as its family's name (跨年衔接 …).
CREATE MACRO rule_zh(r) AS coalesce(label_zh('rule', r), label_zh('rule_family', split_part(r, '.', 1)),
                                    label_zh('rule_family', 'other'));

-- problem_files: every file not parsed whole, copies included (problem_reports lists them, problem_counts counts
-- them). A failed file often has no agency and no year, so it is named by its file and never joined on an agency;
-- `counted_id` is the report a file stands for in rep (itself, or the copy kept). It has report_id, so a
-- region-limited connection (app/queries.py restrict) limits it like the tables it reads.
CREATE VIEW problem_files AS
SELECT r.report_id, coalesce(r.duplicate_of, r.report_id) AS counted_id,
       coalesce(nullif(r.agency_short, ''), r.agency, regexp_extract(r.source_file, '[^/]+$')) AS label,
       CAST(r.year AS INTEGER) AS year, r.parse_status,
       coalesce(label_zh('parse_status', r.parse_status), r.parse_status) AS status_zh,
       r.error, r.source_file, r.duplicate_of IS NOT NULL AS is_copy
FROM raw_reports r
WHERE r.parse_status <> 'ok';

-- selected(f): the reports of rep the filters choose (every counted report, listed one by one).
CREATE MACRO selected(f) AS TABLE
SELECT * FROM rep
WHERE (f['years'] IS NULL OR list_contains(CAST(f['years'] AS INTEGER[]), year))
  AND (f['provinces'] IS NULL OR list_contains(CAST(f['provinces'] AS VARCHAR[]), province))
  AND (f['prefectures'] IS NULL OR list_contains(CAST(f['prefectures'] AS VARCHAR[]), prefecture))
  AND (f['counties'] IS NULL OR list_contains(CAST(f['counties'] AS VARCHAR[]), county))
  AND (f['levels'] IS NULL OR list_contains(CAST(f['levels'] AS VARCHAR[]), level))
  AND (f['kinds'] IS NULL OR list_contains(CAST(f['kinds'] AS VARCHAR[]), agency_kind))
  AND (f['templates'] IS NULL OR list_contains(CAST(f['templates'] AS VARCHAR[]), template))
  AND (f['agencies'] IS NULL OR list_contains(CAST(f['agencies'] AS VARCHAR[]), agency_id))
  AND (f['scope'] IS NULL OR scope = CAST(f['scope'] AS VARCHAR));

-- counted(f): the selected reports whose figures may be summed. A summary (汇总) report of a government replaces
-- every report of the same year inside its area (its own 本级 report, its departments', its towns'), never adds to
-- them. `agg` holds the few selected 汇总 reports of governments; `covered` joins them to the reports of their area,
-- one equi-join per level of the summary (province/national: same province; prefecture: + prefecture; county:
-- + county; township: + county and township), so the cost grows with the reports, not with their pairs. A selected
-- 汇总 report `a` replaces `s` (another report, of another agency or of its own 本级) at a lower rank.
CREATE MACRO counted(f) AS TABLE
WITH sel AS (FROM selected(f)),
agg AS (SELECT report_id, agency_id, year, province, prefecture, county, township, level, level_rank FROM sel
        WHERE scope = 'aggregate' AND agency_kind = 'government'),
pairs AS (
    SELECT s.report_id, s.agency_id, s.scope, s.level_rank, a.report_id AS a_report_id, a.agency_id AS a_agency_id,
           a.level_rank AS a_level_rank
    FROM sel s JOIN agg a ON a.year = s.year AND a.province IS NOT DISTINCT FROM s.province
    WHERE a.level IN ('province', 'national')
    UNION ALL
    SELECT s.report_id, s.agency_id, s.scope, s.level_rank, a.report_id, a.agency_id, a.level_rank
    FROM sel s JOIN agg a
        ON a.year = s.year AND a.province IS NOT DISTINCT FROM s.province AND a.prefecture IS NOT DISTINCT FROM s.prefecture
    WHERE a.level = 'prefecture'
    UNION ALL
    SELECT s.report_id, s.agency_id, s.scope, s.level_rank, a.report_id, a.agency_id, a.level_rank
    FROM sel s JOIN agg a
        ON a.year = s.year AND a.province IS NOT DISTINCT FROM s.province AND a.prefecture IS NOT DISTINCT FROM s.prefecture
           AND a.county IS NOT DISTINCT FROM s.county
    WHERE a.level = 'county'
    UNION ALL
    SELECT s.report_id, s.agency_id, s.scope, s.level_rank, a.report_id, a.agency_id, a.level_rank
    FROM sel s JOIN agg a
        ON a.year = s.year AND a.province IS NOT DISTINCT FROM s.province AND a.prefecture IS NOT DISTINCT FROM s.prefecture
           AND a.county IS NOT DISTINCT FROM s.county AND a.township IS NOT DISTINCT FROM s.township
    WHERE a.level = 'township'
),
covered AS (
    SELECT report_id FROM pairs
    WHERE a_report_id <> report_id AND (a_agency_id <> agency_id OR scope = 'self')
      AND a_level_rank < level_rank + CASE WHEN scope = 'self' AND a_agency_id = agency_id THEN 1 ELSE 0 END
)
SELECT s.* FROM sel s WHERE NOT EXISTS (SELECT 1 FROM covered c WHERE c.report_id = s.report_id);

-- year_cells(f, agencies): one row per agency and year of the selected reports of the `agencies` (a list of
-- agency_id; the coverage matrices pass the agencies they show): how many reports, their scopes in Chinese, the
-- worst parse status (2 failed, 1 partial, 0 ok) and the failed checks summed (app/sql/coverage.sql, roster_matrix.sql).
CREATE MACRO year_cells(f, agencies) AS TABLE
SELECT s.agency_id, s.year, count(*) AS n_reports,
       string_agg(s.scope_zh, '、' ORDER BY s.scope_zh) AS scopes,
       max(CASE s.parse_status WHEN 'failed' THEN 2 WHEN 'partial' THEN 1 ELSE 0 END) AS worst,
       sum(s.n_failed_checks) AS n_failed_checks
FROM selected(f) s
WHERE list_contains(agencies, s.agency_id)
GROUP BY s.agency_id, s.year;

-- covered(f): the rows of the roster's `coverage` table (etl/roster, empty without a roster) within the filters
-- that apply to an agency-year (years, places, levels; 政府 takes in townships and zones' 管委会), with the
-- Chinese of the status, level and kind.
CREATE MACRO covered(f) AS TABLE
SELECT c.*, label_zh('coverage_status', c.status) AS status_zh, label_zh('level', c.level) AS level_zh,
       label_zh('roster_kind', c.kind) AS kind_zh
FROM raw_coverage c
WHERE (f['years'] IS NULL OR list_contains(CAST(f['years'] AS INTEGER[]), year))
  AND (f['provinces'] IS NULL OR list_contains(CAST(f['provinces'] AS VARCHAR[]), province))
  AND (f['prefectures'] IS NULL OR list_contains(CAST(f['prefectures'] AS VARCHAR[]), prefecture))
  AND (f['counties'] IS NULL OR list_contains(CAST(f['counties'] AS VARCHAR[]), county))
  AND (f['levels'] IS NULL OR list_contains(CAST(f['levels'] AS VARCHAR[]), level))
  AND (f['kinds'] IS NULL OR list_contains(CAST(f['kinds'] AS VARCHAR[]),
                                           CASE WHEN kind = 'department' THEN 'department' ELSE 'government' END))
  AND (f['agencies'] IS NULL OR list_contains(CAST(f['agencies'] AS VARCHAR[]), agency_id));
