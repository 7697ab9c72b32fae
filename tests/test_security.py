"""Secrets and sessions (issue 29), on SQLite and PostgreSQL where the audit database is involved: the SQLite file
and its WAL are private (0600), the cookie key lives in a 0600 file and not in the database, a logout, a new
password or a disabled account ends every login made before it, weak passwords are refused, wrong passwords lock
a name and an address out, and the audit log refuses every statement that would change or remove a row."""

from __future__ import annotations

import os
import stat
import time

import pytest
import sqlalchemy as sa

from audit import db, secret, store, throttle
from audit.schema import audit_log, settings
from tests.test_audit import ADMIN, db_url, eng  # noqa: F401 - the fixtures: a fresh database of each kind


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_sqlite_file_and_wal_are_private(tmp_path):
    os.umask(0o022)  # what a server usually runs with: files 0644 unless made otherwise
    path = tmp_path / "warehouse.audit.sqlite"
    e = db.engine(f"sqlite:///{path}")
    try:
        store.create_user(e, "boss", "王主任", "Boss-pass-2024", "admin", by="test")
        with e.connect() as c:  # a reader holds the WAL open
            c.execute(sa.select(audit_log)).fetchall()
            assert {p.name: _mode(p) for p in tmp_path.iterdir()} == {
                "warehouse.audit.sqlite": 0o600,
                "warehouse.audit.sqlite-wal": 0o600,
                "warehouse.audit.sqlite-shm": 0o600,
            }
    finally:
        e.dispose()
        db.engine.cache_clear()
    os.chmod(path, 0o644)  # a file made by an older version is made private when opened
    db.engine(f"sqlite:///{path}").dispose()
    db.engine.cache_clear()
    assert _mode(path) == 0o600


def test_cookie_key_is_a_private_file_not_in_the_database(tmp_path, monkeypatch, eng):  # noqa: F811
    monkeypatch.delenv("AUDIT_SECRET_FILE", raising=False)
    wh = tmp_path / "warehouse"
    key = secret.cookie_key(wh)
    assert len(key) >= 40 and secret.cookie_key(wh) == key  # made once, then kept
    path = tmp_path / "warehouse.audit.key"
    assert _mode(path) == 0o600 and path.read_text().strip() == key
    with eng.connect() as c:
        assert c.execute(sa.select(settings.c.key)).scalars().all() == []
    monkeypatch.setenv("AUDIT_SECRET_FILE", str(tmp_path / "elsewhere" / "key"))
    assert secret.cookie_key(wh) != key and _mode(tmp_path / "elsewhere" / "key") == 0o600


def test_logout_new_password_and_disabling_end_logins(eng):  # noqa: F811
    store.create_user(eng, "boss", "王主任", "Boss-pass-2024", "admin", by="test")
    store.create_user(eng, "rev", "李审核", "revpass123", "reviewer", "宁夏回族自治区", by="test")
    before = time.time()
    assert store.session_valid(eng, "rev", before)
    time.sleep(0.01)
    store.end_sessions(eng, "rev")  # logout
    assert not store.session_valid(eng, "rev", before)  # a cookie made before it: refused
    after = time.time()
    assert store.session_valid(eng, "rev", after)  # a new login
    time.sleep(0.01)
    store.update_user(eng, ADMIN, "rev", "reviewer", "宁夏回族自治区", password="Another-pass-9")
    assert not store.session_valid(eng, "rev", after)
    assert store.check_password(eng, "rev", "revpass123") is None
    assert store.check_password(eng, "rev", "Another-pass-9").username == "rev"
    now = time.time()
    store.update_user(eng, ADMIN, "rev", "viewer", "宁夏回族自治区")  # no new password: logins stay
    assert store.session_valid(eng, "rev", now)
    store.set_active(eng, ADMIN, "rev", False)
    assert not store.session_valid(eng, "rev", now) and store.check_password(eng, "rev", "Another-pass-9") is None


@pytest.mark.parametrize(
    "password, says",
    [
        ("1234567", "至少 8 个字符"),
        ("12345678", "只由数字"),
        ("abcdefghij", "只由字母"),
        ("password123", "太常见"),
        ("a1a1a1a1", "太常见"),
        ("rev12345", None),
        ("Rev-2024-ok", None),
    ],
)
def test_weak_passwords_are_refused(eng, password, says):  # noqa: F811
    if says is None:
        assert store.password_problem(password, "rev") is None
        store.create_user(eng, "rev", "李审核", password, "reviewer", by="test")
        return
    with pytest.raises(store.AuditError, match=says):
        store.create_user(eng, "rev", "李审核", password, "reviewer", by="test")
    assert store.list_users(eng) == []


def test_wrong_passwords_lock_a_name_then_an_address():
    t = throttle.Throttle(limit=5, window=900, lock=900)
    for i in range(4):
        t.failed("rev", now=100 + i)
    assert t.wait("rev", now=104) == 0  # four: may still try
    t.failed("rev", now=105)
    assert t.wait("rev", now=106) == 899  # the fifth within 15 minutes locks the name for 15 minutes
    assert t.wait("rev", now=1006) == 0 and t.wait("other", now=106) == 0
    spaced = throttle.Throttle(limit=5, window=900, lock=900)
    for i in range(10):
        spaced.failed("rev", now=i * 1000)  # one a quarter hour never locks
    assert spaced.wait("rev", now=9001) == 0
    assert (throttle.USERS.limit, throttle.ADDRESSES.limit) == (5, 20)


def test_audit_log_refuses_replace_and_truncate(eng):  # noqa: F811
    store.create_user(eng, "boss", "王主任", "Boss-pass-2024", "admin", by="test")
    with eng.connect() as c:
        (row,) = c.execute(sa.select(audit_log)).mappings().all()
    if eng.dialect.name == "sqlite":
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), eng.begin() as c:
            c.exec_driver_sql(
                "INSERT OR REPLACE INTO audit_log (id, at, username, action) VALUES (?, ?, 'someone', 'x')",
                (row["id"], row["at"]),
            )
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), eng.begin() as c:
            c.exec_driver_sql(
                "REPLACE INTO audit_log (id, at, username, action) VALUES (?, ?, 'x', 'x')", (row["id"], row["at"])
            )
    else:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), eng.begin() as c:
            c.exec_driver_sql("TRUNCATE audit_log")
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), eng.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO audit_log (id, at, username, action) VALUES (%(id)s, now(), 'x', 'x') "
                "ON CONFLICT (id) DO UPDATE SET username = 'x'",
                {"id": row["id"]},
            )
    for statement in ("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), eng.begin() as c:
            c.exec_driver_sql(statement)
    with eng.connect() as c:
        assert c.execute(sa.select(audit_log.c.username, audit_log.c.action)).all() == [("test", "user.create")]
