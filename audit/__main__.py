"""Command line of the audit database.

    python3 -m audit create-admin USERNAME [--name 姓名] [--warehouse DIR]   # the first administrator (asks the password)
    python3 -m audit add-user USERNAME --role viewer|reviewer|admin [--province P] [--prefecture C]
    python3 -m audit upgrade                                                 # migrate the schema to the newest version

The password is asked twice on a terminal, or read from the first line of standard input (--password-stdin).
The database is DATABASE_URL, or the SQLite file beside the warehouse (WAREHOUSE_DIR, default data/warehouse)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from audit import db, store
from audit.roles import ADMIN, ROLE_ZH, ROLES

DEFAULT_WAREHOUSE = Path(__file__).resolve().parent.parent / "data" / "warehouse"


def _password(args) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise store.AuditError("两次输入的密码不一致。")
    return first


def _places(warehouse: str) -> list[tuple[str | None, str | None]]:
    """The (province, prefecture) pairs a local warehouse's reports name (a region may name them too: the demo's
    演示… places are in no gazetteer)."""
    reports = Path(warehouse) / "reports.parquet"
    if "://" in warehouse or not reports.is_file():
        return []
    import duckdb

    return (
        duckdb.connect().execute("SELECT DISTINCT province, prefecture FROM read_parquet(?)", [str(reports)]).fetchall()
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m audit", description="审核：用户与审核数据库")
    p.add_argument(
        "--warehouse",
        default=os.environ.get("WAREHOUSE_DIR") or str(DEFAULT_WAREHOUSE),
        help="the warehouse folder the SQLite file sits beside (ignored when DATABASE_URL is set)",
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("create-admin", help="create the first administrator (管理)")
    u = sub.add_parser("add-user", help="add a user")
    for s in (a, u):
        s.add_argument("username")
        s.add_argument("--name", help="display name (default: the username)")
        s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    u.add_argument("--role", choices=ROLES, required=True)
    u.add_argument("--province")
    u.add_argument("--prefecture")
    sub.add_parser("upgrade", help="migrate the database schema to the newest version")
    args = p.parse_args(argv)
    url = db.database_url(args.warehouse)
    if url is None:
        p.error("the warehouse is on object storage: set DATABASE_URL to a database")
    eng = db.engine(url)
    try:
        if args.cmd == "upgrade":
            print(f"schema at revision {db.revision(eng)}: {eng.url.render_as_string(hide_password=True)}")
            return 0
        if args.cmd == "create-admin":
            if any(r["role"] == ADMIN and r["active"] for r in store.list_users(eng)):
                raise store.AuditError("已有管理员：请用管理员账号在“审核”页新建用户，或用 add-user。")
            made = store.create_user(eng, args.username, args.name, _password(args), ADMIN, by="命令行 create-admin")
        else:
            made = store.create_user(
                eng,
                args.username,
                args.name,
                _password(args),
                args.role,
                args.province,
                args.prefecture,
                by="命令行 add-user",
                known_places=_places(args.warehouse),
            )
    except store.AuditError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    print(
        f"已创建用户 {made.username}（{ROLE_ZH[made.role]}，{made.scope_zh}）\n"
        f"审核数据库：{eng.url.render_as_string(hide_password=True)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
