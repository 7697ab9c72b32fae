"""The warehouse both sides share: what it holds (`contract`, `metrics.csv`), what a printed cell means (`cells`,
`text`), where everything lives (`paths`, `tables`), opening it (`db`, `connect`, `object_storage`), the swap its
writers and readers agree on (`swap`), turning a stored `source_file` back into a file (`sources`), and the
dashboard's derived tables (`marts`, `sql/views.sql`). `etl` writes it, `app` and `scoring` read it, `audit`
reads a typed correction as `etl` reads a printed cell; this package imports none of them."""
