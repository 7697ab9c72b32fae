"""审核: what supervisors write — cell corrections, check dispositions, report reviews, users — in a transactional
database (SQLite beside the warehouse, or PostgreSQL named by DATABASE_URL), with an append-only audit log.

The ETL reads the corrections from here when it builds (etl/load/corrections.py); this package never imports
the ETL or the dashboard (app/): a correction's value is read by warehouse/cells.py, as the extractors read a
printed cell."""
