"""The key that signs login cookies: one per installation, in a file only the server's user may read (0600), never
in the audit database (whoever reads a database dump or a backup would sign in as anyone).

AUDIT_SECRET_FILE=/path/to/key     # where the key is kept (made on first use)
(unset)                            # beside a local warehouse: <DIR>.audit.key; else ~/.config/gov-reports/audit.key
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

log = logging.getLogger(__name__)


def key_path(warehouse: Path | str | None) -> Path:
    if env := os.environ.get("AUDIT_SECRET_FILE"):
        return Path(env)
    if warehouse is not None and "://" not in str(warehouse):
        wh = Path(warehouse)
        return wh.with_name(wh.name + ".audit.key")
    return Path.home() / ".config" / "gov-reports" / "audit.key"


def private_file(path: Path) -> None:
    """Create `path` (empty) readable and writable by this user only, or make an existing one so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
    except PermissionError:
        log.warning("cannot make %s private (0600): it is another user's", path)


def cookie_key(warehouse: Path | str | None) -> str:
    """The installation's cookie key, made (at random) on first use."""
    path = key_path(warehouse)
    private_file(path)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        key = secrets.token_urlsafe(32)
        path.write_text(key + "\n", encoding="utf-8")
    return key
