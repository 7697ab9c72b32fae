"""The warehouse on object storage (s3://, gs://, az://, … any fsspec filesystem): publishing a built warehouse
there safely, and finding the published tables again for DuckDB to read in place.

Layout under a root URL such as `s3://bucket/prefix`:

    builds/<build-id>/reports.parquet, metrics.parquet, checks.parquet, manifest.json, marts/…
    current.json        {"build": "<build-id>", "path": "builds/<build-id>", "manifest": {…}, …}

`publish()` uploads a whole build to a new `builds/<build-id>/` first and then replaces the small pointer
`current.json` in one PUT (an atomic replace on S3, GCS and Azure). A reader reads the pointer, then only files of
that build, which nobody writes again: it never sees a half-published warehouse, whatever the timing, and a
connection opened on one build stays consistent while newer builds are published. A publish that dies leaves the
pointer on the previous build; its partial upload is removed by a later publish, which also keeps only the newest
`keep` builds.

A root without `current.json` that holds the tables directly (a warehouse folder copied there by hand) is read as
it is: then there is no such guarantee while someone overwrites it.

Credentials and endpoint come from the filesystem's usual configuration: for S3 (s3fs) the AWS variables
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL` for MinIO and the like),
`~/.aws/`, or an instance role; fsspec's `FSSPEC_S3_*` variables (e.g. `FSSPEC_S3_ENDPOINT_URL`) also apply.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.contract import TABLES
from warehouse.db import literal

POINTER = "current.json"
BUILDS = "builds"
KEEP = 3
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/+(.*)$")
_LOCAL = {"file", "local"}


class StorageError(RuntimeError):
    """Object storage cannot be used: no filesystem package for the URL, unreachable, no warehouse there…"""


def _known(protocol: str) -> bool:
    try:
        from fsspec.registry import known_implementations
    except ImportError:
        return protocol in {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss"}
    return protocol in known_implementations


def is_remote(location) -> bool:
    """True for a URL of a (non-local) fsspec filesystem: s3://bucket/prefix, gs://…, az://…, memory://…
    Also for such a URL that went through pathlib.Path (which folds `s3://b` into `s3:/b`)."""
    if location is None:
        return False
    m = _SCHEME.match(str(location))
    return bool(m) and m.group(1).lower() not in _LOCAL and _known(m.group(1).lower())


def url(location) -> str:
    """The normalised URL: `scheme://rest` without a trailing slash."""
    m = _SCHEME.match(str(location))
    if not m:
        raise ValueError(f"not a URL: {location}")
    return f"{m.group(1).lower()}://{m.group(2).rstrip('/')}"


def join(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *(p.strip("/") for p in parts if p)])


def filesystem(location):
    """The fsspec filesystem for a URL (one instance per protocol and configuration, cached by fsspec)."""
    u = url(location)
    protocol = u.split("://", 1)[0]
    try:
        import fsspec

        return fsspec.filesystem(protocol)
    except ImportError as e:
        pkg = {
            "s3": "s3fs",
            "s3a": "s3fs",
            "gs": "gcsfs",
            "gcs": "gcsfs",
            "az": "adlfs",
            "abfs": "adlfs",
            "abfss": "adlfs",
        }.get(protocol, "the fsspec implementation")
        raise StorageError(f"reading or writing {protocol}:// needs {pkg} (pip install {pkg}): {e}") from e
    except ValueError as e:
        raise StorageError(f"no filesystem for {protocol}://: {e}") from e


def _path(fs, u: str) -> str:
    """The filesystem's own path for a URL (s3fs: bucket/key)."""
    return fs._strip_protocol(u)


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Snapshot:
    """What a reader sees at one moment: the folder holding the tables and every file in it (relative path ->
    size). `token` changes whenever a new build is published (the build id), so it is a cache key."""

    root: str
    url: str
    token: str
    build: str | None = None
    files: dict = field(default_factory=dict)

    def table_files(self, table: str) -> list[str]:
        single = f"{table}.parquet"
        if single in self.files:
            return [single]
        return sorted(f for f in self.files if f.startswith(f"{table}/") and f.endswith(".parquet"))

    def table_source(self, table: str) -> str:
        """The read_parquet() argument for a table, as warehouse.tables.table_source gives it for a folder."""
        files = self.table_files(table)
        if not files:
            raise FileNotFoundError(f"warehouse table missing: {join(self.url, table + '.parquet')}")
        if files == [f"{table}.parquet"]:
            return f"read_parquet({literal(join(self.url, files[0]))})"
        return f"read_parquet({literal(join(self.url, table, '**/*.parquet'))}, hive_partitioning=true, union_by_name=true)"

    @property
    def built(self) -> bool:
        return all(self.table_files(t) for t in TABLES)

    def read_json(self, rel: str) -> dict | None:
        if rel not in self.files:
            return None
        fs = filesystem(self.url)
        return json.loads(fs.cat_file(_path(fs, join(self.url, rel))))


def read_pointer(root: str) -> dict | None:
    """The current build's pointer, read afresh (never from a listing cache); None when there is none."""
    root = url(root)
    fs = filesystem(root)
    path = _path(fs, join(root, POINTER))
    fs.invalidate_cache(path)  # its size may sit in a listing cache from before it was replaced
    try:
        raw = fs.cat_file(path)
    except FileNotFoundError:
        return None
    return json.loads(raw)


def _listing(fs, u: str) -> tuple[dict, str]:
    """Relative path -> size of every file under u, and a digest of the listing (sizes, ETags, mtimes)."""
    base = _path(fs, u).rstrip("/")
    fs.invalidate_cache(base)
    try:
        found = fs.find(base, detail=True)
    except FileNotFoundError:
        found = {}
    files, h = {}, hashlib.sha256()
    for p, info in sorted(found.items()):
        if info.get("type", "file") != "file" or not p.startswith(base + "/"):
            continue
        rel = p[len(base) + 1 :]
        files[rel] = int(info.get("size") or 0)
        h.update(
            f"{rel}:{info.get('size')}:{info.get('ETag') or info.get('etag') or info.get('mtime') or info.get('LastModified')}\n".encode()
        )
    return files, h.hexdigest()[:16]


def snapshot(root) -> Snapshot:
    """Resolve a root URL to the tables a reader should use now: the build named by current.json, or the root
    itself when it has no pointer (a folder copied there as it is)."""
    root = url(root)
    fs = filesystem(root)
    pointer = read_pointer(root)
    if pointer:
        tables = join(root, pointer.get("path") or join(BUILDS, pointer["build"]))
        files, _ = _listing(fs, tables)
        return Snapshot(root, tables, f"build:{pointer['build']}", pointer["build"], files)
    files, digest = _listing(fs, root)
    files = {f: s for f, s in files.items() if not f.startswith(BUILDS + "/")}
    return Snapshot(root, root, f"folder:{digest}", None, files)


def register(con, location) -> None:
    """Let a DuckDB connection read the URL's files. Through the fsspec filesystem by default (it needs no DuckDB
    extension download and uses the same credentials as publishing); with WAREHOUSE_READER=httpfs through DuckDB's
    own httpfs extension (faster; installed beforehand, configured with DuckDB secrets)."""
    if os.environ.get("WAREHOUSE_READER", "fsspec").lower() == "httpfs":
        try:
            con.execute("LOAD httpfs")
        except Exception as e:
            raise StorageError(
                f"WAREHOUSE_READER=httpfs, but DuckDB's httpfs extension does not load "
                f"(INSTALL httpfs first, or unset WAREHOUSE_READER to read through fsspec): {e}"
            ) from e
        return
    con.register_filesystem(filesystem(location))


def marts_valid(location, views_hash: str, marts: tuple[str, ...]) -> bool:
    """warehouse.marts.valid() for a remote warehouse: the marts were written from the current views.sql and
    from tables of the sizes now there (object storage keeps no mtimes of the build machine)."""
    try:
        snap = location if isinstance(location, Snapshot) else snapshot(location)
        m = snap.read_json("marts/manifest.json")
        if not m or m.get("views_sql") != views_hash:
            return False
        sources = m.get("sources") or {}
        tables = {
            f: s
            for f, s in snap.files.items()
            if any(f == f"{t}.parquet" or f.startswith(f"{t}/") for t in TABLES) and f.endswith(".parquet")
        }
        return (
            set(sources) == set(tables)
            and all(tables[f] == v[0] for f, v in sources.items())
            and all(f"marts/{t}.parquet" in snap.files for t in marts)
        )
    except (OSError, ValueError, KeyError, StorageError):
        return False


# ------------------------------------------------------------------------------------------------- writing


def check_writable(root) -> None:
    """Fail early (before a long build) when the bucket cannot be reached."""
    root = url(root)
    fs = filesystem(root)
    bucket = _path(fs, root).split("/", 1)[0]
    try:
        ok = fs.exists(bucket)
    except Exception as e:
        raise StorageError(f"cannot reach {root}: {e}") from e
    if not ok:
        raise StorageError(f"cannot write the warehouse at {root}: bucket {bucket} does not exist")


def _is_built(folder: Path) -> bool:
    return all((folder / f"{t}.parquet").is_file() or (folder / t).is_dir() for t in TABLES)


def _new_id(folder: Path) -> str:
    t = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(t)) + f"{int(t % 1 * 1e6):06d}Z"
    m = folder / "manifest.json"
    tag = hashlib.sha256((m.read_bytes() if m.is_file() else b"") + os.urandom(8)).hexdigest()[:8]
    return f"{stamp}-{tag}"


def upload_build(folder: Path, root, build_id: str | None = None) -> str:
    """Upload a local warehouse folder to ROOT/builds/<id>/ (tables first, manifests last) and check every size.
    Does not make it current: that is `point()`."""
    folder, root = Path(folder), url(root)
    if not _is_built(folder):
        raise StorageError(f"{folder} is not a built warehouse (reports, metrics, checks missing)")
    fs = filesystem(root)
    build_id = build_id or _new_id(folder)
    target = join(root, BUILDS, build_id)
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file()),
        key=lambda p: (p.name == "manifest.json", p.parent == folder, str(p)),
    )
    for p in files:
        fs.put_file(str(p), _path(fs, join(target, p.relative_to(folder).as_posix())))
    uploaded, _ = _listing(fs, target)
    for p in files:
        rel = p.relative_to(folder).as_posix()
        if uploaded.get(rel) != p.stat().st_size:
            raise StorageError(
                f"upload of {rel} to {target} incomplete ({uploaded.get(rel)} of {p.stat().st_size} bytes)"
            )
    return build_id


def point(root, build_id: str, folder: Path | None = None) -> dict:
    """Make a fully uploaded build the current one: one PUT of the small pointer file."""
    root = url(root)
    fs = filesystem(root)
    previous = read_pointer(root)
    manifest = {}
    if folder is not None and (Path(folder) / "manifest.json").is_file():
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    pointer = {
        "build": build_id,
        "path": f"{BUILDS}/{build_id}",
        "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "previous": (previous or {}).get("build"),
        "manifest": manifest,
    }
    fs.pipe_file(_path(fs, join(root, POINTER)), json.dumps(pointer, ensure_ascii=False, indent=1).encode())
    return pointer


def prune(root, keep: int = KEEP) -> list[str]:
    """Delete all but the newest `keep` builds (never the current one, never one newer than it: a publish that
    is still uploading). Returns the ids deleted."""
    root = url(root)
    fs = filesystem(root)
    current = (read_pointer(root) or {}).get("build")
    if current is None:
        return []
    base = _path(fs, join(root, BUILDS))
    fs.invalidate_cache(base)
    try:
        ids = sorted(p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(base, detail=False))
    except FileNotFoundError:
        return []
    older = [b for b in ids if b < current]
    doomed = older[: max(0, len(older) - max(keep - 1, 0))]
    for b in doomed:
        fs.rm(f"{base}/{b}", recursive=True)
    return doomed


def publish(folder: Path, root, keep: int = KEEP) -> str:
    """Publish a built local warehouse to ROOT: upload it as a new build, point current.json at it, prune."""
    build_id = upload_build(folder, root)
    point(root, build_id, folder)
    prune(root, keep)
    return build_id


def fetch_current(root, dest: Path) -> bool:
    """Download the published warehouse's tables and manifest (not its marts) into dest, so that a build there
    is incremental against it. False when nothing is published yet."""
    snap = snapshot(root)
    if not snap.built:
        return False
    fs = filesystem(snap.url)
    dest = Path(dest)
    for rel in snap.files:
        if rel == "manifest.json" or any(rel in snap.table_files(t) for t in TABLES):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(_path(fs, join(snap.url, rel)), str(target))
    return True
