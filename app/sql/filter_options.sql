-- Values offered by the global filters (all counted reports, unfiltered): view opts of views.sql, a mart after a
-- build (one row per agency and place, plus one per year, template and scope).
SELECT * FROM opts;
