-- Full-text search (app/queries.search_text, on a connection of its own holding `texts` and `sources`): the reports whose text holds $phrase, each with its number of hits and a short excerpt around
-- the first one ($context characters either side, the hit in 【】). Reads `texts` (report_id, text: whitespace runs
-- already collapsed, app/report_text.py) and `sources` (report_sources.sql: the region-limited selection).
WITH hits AS (
    SELECT s.report_id, s.label, s.agency_name, s.year, s.scope_zh, t.text,
           instr(lower(t.text), lower($phrase)) AS first_at,
           (length(t.text) - length(replace(lower(t.text), lower($phrase), ''))) // length($phrase) AS n_hits
    FROM sources s JOIN texts t USING (report_id)
)
SELECT report_id, label, agency_name, year, scope_zh, n_hits,
       (CASE WHEN first_at > $context + 1 THEN '…' ELSE '' END)
       || substr(text, greatest(first_at - $context, 1), least(first_at - 1, $context))
       || '【' || substr(text, first_at, length($phrase)) || '】'
       || substr(text, first_at + length($phrase), $context)
       || (CASE WHEN first_at + length($phrase) + $context <= length(text) THEN '…' ELSE '' END) AS excerpt
FROM hits
WHERE first_at > 0
ORDER BY year DESC, agency_name, scope_zh;
