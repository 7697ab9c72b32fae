-- 复议诉讼 per year and kind over `counted` (a summary report replaces the reports it covers): cases, results and the
-- correction rate (纠正 ÷ decided cases).
WITH y AS (
    SELECT year,
           count(*) FILTER (WHERE n_review_rows > 0) AS n_review, sum(review_total) AS review_total,
           sum(review_upheld) AS review_upheld, sum(review_corrected) AS review_corrected,
           sum(review_other) AS review_other, sum(review_pending) AS review_pending,
           count(*) FILTER (WHERE n_lit_rows > 0) AS n_lit, sum(lit_total) AS lit_total,
           sum(lit_upheld) AS lit_upheld, sum(lit_corrected) AS lit_corrected,
           sum(lit_other) AS lit_other, sum(lit_pending) AS lit_pending
    FROM counted($filters) WHERE n_review_rows > 0 OR n_lit_rows > 0
    GROUP BY year
), k AS (
    SELECT year, '行政复议' AS kind, n_review AS n_reports, review_total AS total, review_upheld AS upheld,
           review_corrected AS corrected, review_other AS other, review_pending AS pending FROM y
    UNION ALL
    SELECT year, '行政诉讼', n_lit, lit_total, lit_upheld, lit_corrected, lit_other, lit_pending FROM y
)
SELECT *, corrected / nullif(coalesce(upheld, 0) + coalesce(corrected, 0) + coalesce(other, 0), 0) AS correction_rate
FROM k ORDER BY year, kind;
