"""Command line: python -m etl build INPUT... --out DIR|URL [--jobs N] [--force];
python -m etl publish DIR URL [--keep N]; python -m etl synth --out DIR --reports N [--seed S];
python -m etl demo [--reports N]; python -m etl check FILE... [--warehouse DIR] (年报预审: exit 0, 1 blocks, 2 unreadable);
python -m etl collect SOURCES.csv --out DIR [--year N] [--shard K/N];
python -m etl bench [...] runs the benchmark program (python -m benchmarks.bench) with the same arguments."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from etl.build import BuildError, WarehouseBusy, build
from etl.executors import EXECUTORS
from etl.extract.metadata import gazetteer_problem, use_places
from warehouse import object_storage
from warehouse.sources import real_path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        # the benchmark times the dashboard's queries too, so it lives beside them (benchmarks/), not inside etl:
        # the old command name starts it as its own program, and etl never imports the layers above it
        return subprocess.call([sys.executable, "-m", "benchmarks.bench", *argv[1:]])
    parser = argparse.ArgumentParser(prog="python -m etl", description="政府信息公开年度报告 → Parquet warehouse")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("bench", help="benchmark the build and the queries (python -m benchmarks.bench --help)")
    b = sub.add_parser("build", help="parse report files into the warehouse")
    b.add_argument("inputs", nargs="*", metavar="INPUT", help="report files or folders (searched recursively)")
    b.add_argument(
        "--inputs-from",
        type=Path,
        metavar="FILE",
        help="more inputs, one a line (UTF-8), for lists too long for a command line",
    )
    b.add_argument(
        "--out",
        required=True,
        metavar="DIR|URL",
        help="warehouse folder, or an object storage URL (s3://bucket/prefix, "
        "gs://…): built in a local temporary folder, then published there (see `publish`)",
    )
    b.add_argument("--jobs", type=int, default=1, help="parallel worker processes")
    b.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="local",
        help="local: this machine's processes; dask: a Dask cluster (see --scheduler)",
    )
    b.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local Dask cluster of --jobs workers)",
    )
    b.add_argument("--force", action="store_true", help="reparse every input, changed or not")
    b.add_argument(
        "--progress-lines",
        action="store_true",
        help="print a line to standard output as each report is parsed (parsed<TAB>source_file<TAB>status), "
        "for a program that shows the progress (the dashboard's import)",
    )
    b.add_argument(
        "--keep-inputs",
        action="store_true",
        help="build over every input of the warehouse at --out as well, read once its writer lock is held "
        "(run from the folder its relative names are relative to): adds INPUTs without dropping what a build "
        "running meanwhile added",
    )
    b.add_argument(
        "--wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="when another build is writing the same --out: wait at most this long (default: until it "
        "has finished; 0: refuse at once)",
    )
    b.add_argument(
        "--keep",
        type=int,
        default=None,
        metavar="N",
        help="with --out URL: builds kept on the object storage, the new one included (default 3)",
    )
    b.add_argument(
        "--places",
        action="append",
        default=[],
        metavar="CSV",
        help="an extra gazetteer with the columns of etl/places.csv (name, level, province, prefecture, "
        "county, aliases): a national list of places, or the places.csv of a synthetic corpus",
    )
    b.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="机构名录: the agencies expected to report (CSV or .xlsx, docs/roster.md); reports are matched to it and "
        "the `coverage` table is written (default: the roster stored in the audit database, if any)",
    )
    p = sub.add_parser(
        "publish",
        help="upload a built warehouse folder to object storage (s3://…, gs://…); "
        "readers switch to it at once, never to a half-uploaded one",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="a built warehouse folder")
    p.add_argument("url", metavar="URL", help="object storage root, e.g. s3://bucket/prefix")
    p.add_argument(
        "--keep",
        type=int,
        default=None,
        metavar="N",
        help="builds kept on the object storage, the new one included (default 3)",
    )
    k = sub.add_parser(
        "check",
        help="年报预审: check draft reports with every rule the warehouse runs, writing nothing "
        "(exit 0: nothing blocks; 1: something blocks; 2: a file could not be read)",
    )
    k.add_argument("files", nargs="+", metavar="FILE", help="draft report files")
    k.add_argument(
        "--warehouse",
        type=Path,
        metavar="DIR",
        help="a built warehouse: last year's report of the same agency (cross-year rules, text copied from it) "
        "and, for an aggregate report, its units' reports",
    )
    k.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes reading the pages of a scanned file side by side (default: up to 4 cores)",
    )
    s = sub.add_parser("synth", help="write a synthetic corpus of reports with truth files")
    s.add_argument("--out", required=True, type=Path, help="corpus folder (reports/, truth/, index.csv)")
    s.add_argument("--reports", required=True, type=int, help="number of reports")
    s.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    s.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="writer processes (same corpus whatever N)")
    s.add_argument("--inject-rate", type=float, default=0.05, help="share of reports given one contradiction")
    d = sub.add_parser(
        "demo",
        help="generate the demo dataset (synthetic, every agency named 演示…) and build its "
        "warehouse; the dashboard marks it 演示数据",
    )
    d.add_argument("--out", type=Path, default=None, help="folder for corpus/ and warehouse/ (default: data/demo)")
    d.add_argument("--reports", type=int, default=2000, help="number of reports")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    c = sub.add_parser(
        "collect",
        help="采集: download the agencies' annual reports from their own websites (the 年报 "
        "columns SOURCES.csv names) into DIR, for `etl build DIR`",
    )
    c.add_argument(
        "sources",
        type=Path,
        metavar="SOURCES.csv",
        help="one row per agency: agency (its name), url (its 年报 column), optionally level and place",
    )
    c.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="DIR",
        help="collection folder (files/, manifest.parquet, sources.parquet); a re-run downloads only what changed",
    )
    c.add_argument("--year", type=int, default=None, help="only the reports for this year (default: every year listed)")
    c.add_argument("--max-pages", type=int, default=20, metavar="N", help="list pages read per source, at most")
    c.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help="only the sources of shard K of N (by a hash of the "
        "host, so one site stays on one machine): split a national run across N machines",
    )
    c.add_argument("--concurrency", type=int, default=8, metavar="N", help="sources collected at once")
    c.add_argument("--per-host", type=int, default=2, metavar="N", help="requests in flight to one host, at most")
    c.add_argument("--delay", type=float, default=0.5, metavar="S", help="seconds between two requests to one host")
    c.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds without an answer before a request fails"
    )
    c.add_argument(
        "--retries",
        type=int,
        default=2,
        metavar="N",
        help="retries (with back-off) after a timeout, a dropped connection, 5xx or 429",
    )
    c.add_argument(
        "--deadline",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds one request may take in all, its body included (a server trickling bytes is cut off)",
    )
    c.add_argument(
        "--source-deadline",
        type=float,
        default=1800.0,
        metavar="S",
        help="seconds one source's whole collection may take; then it stops, keeping what it saved (partial)",
    )
    c.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="fetch this host even though it resolves to a loopback, private, link-local or multicast address "
        "(refused otherwise): an intranet's site; repeatable",
    )
    r = sub.add_parser(
        "roster", help="机构名录: check a roster file, draft one for a region, import one (docs/roster.md)"
    )
    rs = r.add_subparsers(dest="roster_command", required=True)
    rc = rs.add_parser("check", help="read and check a roster file (CSV or .xlsx); print its agencies' count")
    rc.add_argument("file", type=Path)
    rd = rs.add_parser("draft", help="a draft roster CSV for a region: its governments from the gazetteer, and the "
                       "agencies a warehouse holds reports of there")  # fmt: skip
    rd.add_argument("region", help="an administrative code or a place name (150200, 包头市)")
    rd.add_argument("--warehouse", type=Path, default=None, help="add the agencies this warehouse holds there")
    rd.add_argument("--out", type=Path, default=None, help="the CSV to write (default: standard output)")
    rsrc = rs.add_parser(
        "sources", help="the SOURCES.csv of `etl collect` from a roster: its agencies with a 年报栏目 URL"
    )
    rsrc.add_argument("file", type=Path)
    rsrc.add_argument("--out", type=Path, required=True, metavar="SOURCES.csv")
    ri = rs.add_parser("import", help="store a roster file in the audit database (as a 管理 user)")
    ri.add_argument("file", type=Path)
    ri.add_argument("--warehouse", type=Path, default=Path("data/warehouse"), help="the SQLite file sits beside it "
                    "(ignored when DATABASE_URL is set)")  # fmt: skip
    ri.add_argument("--user", required=True, help="a 管理 user of the audit database")
    ri.add_argument("--note", default="", help="why (the audit log keeps it)")
    args = parser.parse_args(argv)
    if args.command == "roster":
        return _roster_command(parser, args)
    if args.command == "check":
        if args.warehouse is not None and not (args.warehouse / "reports.parquet").exists():
            parser.error(f"--warehouse: no warehouse at {args.warehouse}")
        from etl.precheck import check_files
        from etl.read.ocr import pool

        with pool.workers(args.jobs):
            return check_files(args.files, args.warehouse)
    if args.command == "collect":
        return _collect(parser, args)
    if args.command == "synth":
        if args.reports < 0:
            parser.error("--reports must be >= 0")
        from etl.synth import generate

        print(
            generate(
                args.out, args.reports, seed=args.seed, inject_rate=args.inject_rate, jobs=max(1, args.jobs)
            ).line()
        )
        return 0
    if args.command == "demo":
        if args.reports < 1:
            parser.error("--reports must be >= 1")
        from etl.synth.demo import DEFAULT_OUT, make_demo

        warehouse, summary = make_demo(args.out or DEFAULT_OUT, args.reports, args.seed, max(1, args.jobs))
        print(summary.line())
        print(f"演示数据 / demo warehouse: {warehouse}\n  WAREHOUSE_DIR={warehouse} streamlit run dashboard.py")
        return 0
    if args.command == "publish":
        return _publish(parser, args)
    if args.command == "build":
        if args.inputs_from:
            args.inputs += [line for line in args.inputs_from.read_text(encoding="utf-8").splitlines() if line]
        if not args.inputs and not args.keep_inputs:
            parser.error("no INPUT given")
        missing = [i for i in args.inputs + args.places if not os.path.exists(real_path(i))]
        if missing:
            parser.error(f"input not found: {', '.join(missing)}")
        if args.places:
            bad = [f"{p}: {e}" for p in args.places for e in [gazetteer_problem(p)] if e]
            if bad:
                parser.error("--places: " + "; ".join(bad))
            use_places(args.places)
        args.roster_rows = _roster(parser, args.roster)
        if object_storage.is_remote(args.out):
            if args.keep_inputs:
                parser.error("--keep-inputs applies only to a local --out folder")
            return _build_remote(parser, args)
        if args.keep is not None:
            parser.error("--keep applies only to --out URL (object storage)")
        args.out = Path(args.out)
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(args.out.parent, os.W_OK):
                raise PermissionError(args.out.parent)
        except OSError as e:
            print(f"error: cannot write the warehouse at {args.out}: {e}", file=sys.stderr)
            return 2
        try:
            summary = build(
                args.inputs,
                args.out,
                jobs=max(1, args.jobs),
                force=args.force,
                executor=args.executor,
                scheduler=args.scheduler,
                wait=args.wait,
                roster=args.roster_rows,
                keep_inputs=args.keep_inputs,
                on_progress=_progress_line if args.progress_lines else None,
            )
        except (WarehouseBusy, BuildError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 3 if isinstance(e, WarehouseBusy) else 2
        print(summary.line())
    return 0


def _roster(parser, path: Path | None) -> list | None:
    """The agencies of a --roster file (None: no file given); a bad file stops the build before it starts."""
    if path is None:
        return None
    from etl.roster.read import RosterError, read_roster

    try:
        return read_roster(path)
    except OSError as e:
        parser.error(f"--roster: cannot read {path}: {e}")
    except RosterError as e:
        parser.error(f"--roster: {e}")


def _progress_line(report: dict) -> None:
    print(f"parsed\t{report.get('source_file')}\t{report.get('parse_status')}", flush=True)


def _collect(parser, args) -> int:
    from etl.collect import Politeness, SourcesError, collect, read_sources, shard_of

    try:
        sources = read_sources(args.sources)
    except SourcesError as e:
        parser.error(str(e))
    if args.shard:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
            assert 0 <= k < n
        except (ValueError, AssertionError):
            parser.error("--shard must be K/N with 0 <= K < N, e.g. 0/4")
        sources = [s for s in sources if shard_of(s, n) == k]
    if args.max_pages < 1 or args.per_host < 1 or args.concurrency < 1 or args.retries < 0 or args.timeout <= 0:
        parser.error("--max-pages, --per-host and --concurrency must be >= 1, --retries >= 0, --timeout > 0")
    if args.deadline <= 0 or args.source_deadline <= 0:
        parser.error("--deadline and --source-deadline must be > 0")
    politeness = Politeness(
        timeout=args.timeout,
        retries=args.retries,
        per_host=args.per_host,
        delay=args.delay,
        deadline=args.deadline,
        allow_hosts=frozenset(args.allow_host),
    )
    summary = collect(
        sources,
        args.out,
        year=args.year,
        max_pages=args.max_pages,
        politeness=politeness,
        concurrency=args.concurrency,
        source_seconds=args.source_deadline,
    )
    for agency, error in summary.errors:
        print(f"{agency}：{error}", file=sys.stderr)
    print(summary.line())
    return 0


def _keep(parser, args) -> int:
    keep = object_storage.KEEP if args.keep is None else args.keep
    if keep < 1:
        parser.error("--keep must be >= 1")
    return keep


def _publish(parser, args) -> int:
    if not object_storage.is_remote(args.url):
        parser.error(f"not an object storage URL: {args.url} (e.g. s3://bucket/prefix)")
    keep = _keep(parser, args)
    try:
        object_storage.check_writable(args.url)
        build_id = object_storage.publish(args.dir, args.url, keep=keep)
    except (object_storage.StorageError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(
        f"published {object_storage.join(object_storage.url(args.url), object_storage.BUILDS, build_id)} "
        f"(current.json points at it)"
    )
    return 0


def _build_remote(parser, args) -> int:
    """--out URL: fetch the published tables (so the build stays incremental), build in a local temporary folder,
    publish the result as a new build."""
    import tempfile

    keep = _keep(parser, args)
    root = object_storage.url(args.out)
    try:
        object_storage.check_writable(root)
    except object_storage.StorageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="etl-build-") as tmp:
        local = Path(tmp) / "warehouse"
        if not args.force:
            object_storage.fetch_current(root, local)
        summary = build(
            args.inputs,
            local,
            jobs=max(1, args.jobs),
            force=args.force,
            executor=args.executor,
            scheduler=args.scheduler,
            roster=args.roster_rows,
        )
        try:
            build_id = object_storage.publish(local, root, keep=keep)
        except (object_storage.StorageError, OSError) as e:
            print(f"error: the build completed but publishing it to {root} failed: {e}", file=sys.stderr)
            return 2
    print(f"published {object_storage.join(root, object_storage.BUILDS, build_id)}", file=sys.stderr)
    print(summary.line())
    return 0


def _roster_command(parser, args) -> int:
    from etl.roster import draft
    from etl.roster.read import RosterError, read_roster

    try:
        if args.roster_command == "draft":
            rows = draft.from_gazetteer(args.region)
            held = draft.from_warehouse(args.warehouse, args.region) if args.warehouse else []
            text = draft.draft_csv(rows + held)
            if args.out:
                args.out.write_text(text, encoding="utf-8-sig")
                print(f"{args.out}: {text.count(chr(10)) - 1} agencies ({len(rows)} from the gazetteer, "
                      f"{len(held)} from the warehouse)")  # fmt: skip
            else:
                sys.stdout.write(text)
            return 0
        agencies = read_roster(args.file)
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except RosterError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.roster_command == "check":
        print(f"{args.file}: {len(agencies)} agencies, no errors")
        return 0
    if args.roster_command == "sources":  # collected from these URLs, a build counts 网站未找到 against the roster
        import csv

        with open(args.out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["agency", "url", "level", "place"])
            with_url = [a for a in agencies if a.url]
            for a in with_url:
                w.writerow(
                    [a.name, a.url, a.level or "", "".join(x for x in (a.province, a.prefecture, a.county) if x)]
                )
        print(f"{args.out}: {len(with_url)} sources ({len(agencies) - len(with_url)} agencies without a 年报栏目 URL)")
        return 0
    from audit import db, store
    from audit import roster as audit_roster

    eng = db.engine(db.database_url(args.warehouse))
    user = store.user(eng, args.user)
    try:
        counts = audit_roster.import_roster(eng, user, agencies, args.file.name, args.note)
    except store.AuditError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(
        f"roster version {counts['version']}: {counts['total']} agencies ({counts['added']} added, "
        f"{counts['changed']} changed, {counts['removed']} removed); the next build counts coverage against it"
    )
    return 0
