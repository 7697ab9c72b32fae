"""Where `etl collect` keeps what it fetched: files named by their sha256 (a file saved twice is stored once,
a changed one is a new file), and two Parquet tables — `manifest.parquet` (one row per fetched URL: list
pages, report pages, attachments) and `sources.parquet` (one row per source of the last run: what was found,
or the error)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST = "manifest.parquet"
SOURCES = "sources.parquet"
FILES = "files"

MANIFEST_SCHEMA = pa.schema(
    [
        ("agency", pa.string()),  # the source's agency (SOURCES.csv)
        ("source_url", pa.string()),  # its 年报 column
        ("kind", pa.string()),  # list (a list page), page (a report's page), attachment
        ("url", pa.string()),  # the URL as linked
        ("final_url", pa.string()),  # after redirects
        ("title", pa.string()),  # the entry's title on the list page
        ("year", pa.int32()),  # the year the title names
        ("list_date", pa.date32()),  # the date the list page shows beside the entry
        ("page_date", pa.date32()),  # the date the report's page states (发布时间, PubDate)
        ("http_date", pa.timestamp("s", tz="UTC")),  # the server's Date header
        ("http_last_modified", pa.timestamp("s", tz="UTC")),
        ("last_modified", pa.string()),  # validators as the server sent them, for the next run's conditional GET
        ("etag", pa.string()),
        ("content_type", pa.string()),
        ("sha256", pa.string()),
        ("path", pa.string()),  # the saved file, relative to the collection folder
        ("is_report", pa.bool_()),  # `etl build` parses this file (a report page, or a report attachment)
        ("downloaded", pa.bool_()),  # fetched anew this run (false: the server answered 304 Not Modified)
        ("fetched_at", pa.timestamp("s", tz="UTC")),
    ]
)

SOURCES_SCHEMA = pa.schema(
    [
        ("agency", pa.string()),
        ("source_url", pa.string()),
        ("level", pa.string()),
        ("place", pa.string()),
        ("status", pa.string()),  # ok, failed
        ("error", pa.string()),  # why (Chinese), null when ok
        ("list_pages", pa.int32()),  # list pages read
        ("entries", pa.int32()),  # report entries found (every year)
        ("years", pa.list_(pa.int32())),  # the years of the reports found
        ("collected_at", pa.timestamp("s", tz="UTC")),
    ]
)

_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "text/plain": ".txt",
}
SUFFIXES = (
    ".html",
    ".htm",
    ".shtml",
    ".pdf",
    ".doc",
    ".docx",
    ".wps",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".txt",
)


def suffix_for(url_path: str, content_type: str, data: bytes) -> str:
    """The file's extension, which the build reads it by: the content's own signature first, then the URL's,
    then the Content-Type."""
    if data.startswith(b"%PDF"):
        return ".pdf"
    low = url_path.lower()
    ext = low[low.rfind(".") :] if "." in low.rsplit("/", 1)[-1] else ""
    if ext in (".htm", ".shtml", ".jsp", ".aspx", ".php", ".asp"):
        ext = ".html"
    if ext in SUFFIXES:
        return ext
    return _TYPES.get(content_type, ".html" if b"<html" in data[:2048].lower() else ".bin")


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / FILES).mkdir(parents=True, exist_ok=True)

    def save(self, data: bytes, suffix: str) -> tuple[str, str]:
        """(sha256, path relative to the root) of `data`, written once (atomically) whatever the runs."""
        sha = hashlib.sha256(data).hexdigest()
        rel = f"{FILES}/{sha[:2]}/{sha}{suffix}"
        target = self.root / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return sha, rel

    def read(self, rel: str) -> bytes | None:
        try:
            return (self.root / rel).read_bytes()
        except OSError:
            return None

    def previous(self) -> list[dict]:
        path = self.root / MANIFEST
        return pq.read_table(path).to_pylist() if path.exists() else []

    def write(self, manifest: list[dict], sources: list[dict]) -> None:
        order = ("agency", "source_url", "kind", "url")
        manifest = sorted(manifest, key=lambda r: tuple(r.get(k) or "" for k in order))
        sources = sorted(sources, key=lambda r: (r["agency"], r["source_url"]))
        for name, rows, schema in ((MANIFEST, manifest, MANIFEST_SCHEMA), (SOURCES, sources, SOURCES_SCHEMA)):
            tmp = self.root / (name + ".part")
            pq.write_table(
                pa.Table.from_pylist([{k: r.get(k) for k in schema.names} for r in rows], schema=schema),
                tmp,
                compression="zstd",
            )
            os.replace(tmp, self.root / name)


def is_collection(folder: Path) -> bool:
    """A folder `etl collect` wrote (the build then takes the files its manifest marks as reports)."""
    return (Path(folder) / MANIFEST).is_file() and (Path(folder) / SOURCES).is_file()
