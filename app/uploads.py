"""Bounds on what Streamlit's upload endpoint holds in the server's memory. Streamlit keeps every file PUT to
/_stcore/upload_file/<session>/<file> in memory until its session ends, whatever page the session shows; its own
bound is per file (server.maxUploadSize in .streamlit/config.toml, 20 MB). On top of it (`install`, once per
server): only a session signed in with the 审核 role (导入报告), or one that 年报预审 let in (its access setting
PRECHECK_ACCESS may open it to anyone; the page marks the session with DRAFT_KEY), may upload at all; a session
holds at most SESSION_MB, and the server at most SERVER_MB for all sessions together. A refused upload gets HTTP
413 and is logged. The reverse proxy's own limit is in docs/security.md."""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)
SESSION_MB = int(os.environ.get("UPLOAD_SESSION_MB", "200"))  # = the import's MAX_TOTAL_MB
SERVER_MB = int(os.environ.get("UPLOAD_SERVER_MB", "1000"))
_lock = threading.Lock()
DRAFT_KEY = "_may_upload_draft"  # set by 年报预审 in a session its access setting lets in


def refusal(held: dict[str, dict], session_id: str, size: int, may_upload: bool) -> str | None:
    """Why a file of `size` bytes may not be added to `session_id`'s uploads (None: it may). `held`: the files
    the server holds now, by session (file id -> a record with .data)."""
    if not may_upload:
        return "upload refused: the session is not signed in with the 审核 role, nor let in by 年报预审"
    mine = sum(len(f.data) for f in held.get(session_id, {}).values())
    if mine + size > SESSION_MB * 2**20:
        return f"upload refused: the session would hold more than {SESSION_MB} MB"
    every = sum(len(f.data) for files in held.values() for f in files.values())
    if every + size > SERVER_MB * 2**20:
        return f"upload refused: the server would hold more than {SERVER_MB} MB of uploads"
    return None


def _may_upload(runtime, session_id: str) -> bool:
    """Whether the session's signed-in user (as its last run read it) may import, or 年报预审 let the session in."""
    info = runtime._session_mgr.get_session_info(session_id)
    if info is None:
        return False
    state = info.session.session_state
    user = state["_audit_user"] if "_audit_user" in state else None  # noqa: SIM401 - not a Mapping
    return (user is not None and user.may_review) or (DRAFT_KEY in state and state[DRAFT_KEY] is True)


def install() -> None:
    """Put the bounds on this server's upload manager (idempotent; nothing outside a running server)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return
    runtime = Runtime.instance()
    mgr = runtime.uploaded_file_mgr
    if getattr(mgr, "_bounded", False) or not hasattr(mgr, "file_storage"):
        return
    add = mgr.add_file

    def bounded_add_file(session_id: str, file) -> None:
        from starlette.exceptions import HTTPException

        with _lock:
            why = refusal(mgr.file_storage, session_id, len(file.data), _may_upload(runtime, session_id))
            if why is None:
                add(session_id, file)
                return
        log.warning("%s (session %s, %d bytes)", why, session_id, len(file.data))
        raise HTTPException(status_code=413, detail=why)

    mgr.add_file = bounded_add_file
    mgr._bounded = True
