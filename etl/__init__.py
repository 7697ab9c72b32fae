"""ETL: annual disclosure reports -> Parquet warehouse (see docs/contract.md)."""

PARSER_VERSION = "0.5.0"
