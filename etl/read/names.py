"""File names in any encoding the file system holds.

On a UTF-8 system a name saved in another encoding (GBK bytes, say) comes back from the OS with its undecodable
bytes as lone surrogates, which no Parquet or DuckDB string can hold. The warehouse stores such a name with
those bytes escaped (`报告\\xc4\\xea.txt`, the bytes kept, shown as escapes); `real_path` turns the stored
name back into the path the OS knows, so the file can be read again (a later build, the second pass)."""

from __future__ import annotations

import os
import re

_ESCAPE = re.compile(rb"\\x([0-9a-f]{2})")


def shown_name(path: str | os.PathLike) -> str:
    """The name as the warehouse stores and shows it: undecodable bytes as \\xNN escapes; others unchanged."""
    path = os.fspath(path)
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def real_path(name: str | os.PathLike) -> str:
    """The path a stored name stands for (the inverse of `shown_name`)."""
    name = os.fspath(name)
    if "\\x" not in name or os.path.exists(name):
        return name
    raw = _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), name.encode("utf-8"))
    candidate = os.fsdecode(raw)
    return candidate if os.path.exists(candidate) else name
