import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
SAMPLES = ROOT / "data" / "samples"
CORPUS = SHARED / "corpus" / "real"
GOLDEN = ROOT / "tests" / "golden"


def need_corpus():
    if not CORPUS.exists():
        pytest.skip("../shared/corpus/real is not present")


@pytest.fixture(scope="session")
def corpus_dir():
    need_corpus()
    return CORPUS


def etl_build(inputs, out: Path, *options: str) -> Path:
    """Build a warehouse as a user does, with the command line (python -m etl build INPUT... --out DIR)."""
    import subprocess
    import sys

    args = [sys.executable, "-m", "etl", "build", *map(str, inputs), "--out", str(out), "--jobs", "1", *options]
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def real_warehouse(tmp_path_factory, corpus_dir) -> Path:
    """The warehouse of the real corpus (30 files: 15 reports as text and as HTML, and MANIFEST.md, which fails),
    built once for every test that only reads it (a test that writes into its warehouse builds its own)."""
    return etl_build([corpus_dir], tmp_path_factory.mktemp("real") / "warehouse")


def _pg_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0
    )
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory):
    """A PostgreSQL database for the audit tests: TEST_DATABASE_URL (or DATABASE_URL) when given, else a throwaway
    server started here from Debian's `postgresql` binaries (as the postgres user when run as root); skipped only
    when neither is there."""
    given = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if given:
        yield given
        return
    import pwd
    import shutil
    import socket
    import subprocess
    import time

    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql) and no TEST_DATABASE_URL is given")
    base = Path(tempfile.mkdtemp(prefix="pgtest-"))
    data, run_dir = base / "data", base / "run"
    run_dir.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root
        pw = pwd.getpwnam("postgres")
        for p in (base, run_dir):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        as_user + [str(bin_dir / "initdb"), "-D", str(data), "-U", "test", "--auth=trust", "-E", "UTF8", "--no-locale"],
        check=True,
        capture_output=True,
    )
    log = base / "server.log"
    subprocess.run(
        as_user
        + [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {run_dir} -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        url = f"postgresql+psycopg://test@127.0.0.1:{port}/postgres"
        deadline = time.time() + 30
        import sqlalchemy as sa

        while True:
            try:
                sa.create_engine(url).connect().close()
                break
            except sa.exc.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        subprocess.run(
            as_user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)
