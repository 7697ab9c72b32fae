"""采集: collect the annual reports from the agencies' own websites (`python -m etl collect`).

sources.py reads SOURCES.csv, fetch.py is the polite HTTP client, listing.py reads list and report pages,
store.py saves files content-addressed with a Parquet manifest, run.py drives a run."""

from etl.collect.fetch import Politeness
from etl.collect.run import Summary, collect
from etl.collect.sources import Source, SourcesError, read_sources, shard_of

__all__ = ["Politeness", "Source", "SourcesError", "Summary", "collect", "read_sources", "shard_of"]
