"""File names in any encoding the file system holds.

On a UTF-8 system a name saved in another encoding (GBK bytes, say) comes back from the OS with its undecodable
bytes as lone surrogates, which no Parquet or DuckDB string can hold. The warehouse stores such a name with
those bytes escaped (`报告\\xc4\\xea.txt`, the bytes kept, shown as escapes); `real_path` turns the stored
name back into the path the OS knows, so the file can be read again (a later build, the second pass), and
`resolve` finds the file a stored `source_file` names (relative names are relative to the checkout, where the
dashboard builds its samples, or to the folders a reader gives)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from warehouse.paths import ROOT

_ESCAPE = re.compile(rb"\\x([0-9a-f]{2})")


def shown_name(path: str | os.PathLike) -> str:
    """The name as the warehouse stores and shows it: undecodable bytes as \\xNN escapes; others unchanged."""
    path = os.fspath(path)
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def real_path(name: str | os.PathLike, base: str | os.PathLike | None = None) -> str:
    """The path a stored name stands for (the inverse of `shown_name`); a relative name is looked for under `base`
    (None: the working folder) and given back relative as it was."""
    name = os.fspath(name)

    def exists(p: str) -> bool:
        return os.path.exists(os.path.join(base, p) if base else p)

    if "\\x" not in name or exists(name):
        return name
    raw = _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), name.encode("utf-8"))
    candidate = os.fsdecode(raw)
    return candidate if exists(candidate) else name


def resolve(source_file: str | os.PathLike | None, bases: Iterable[Path] = (ROOT,)) -> Path | None:
    """The file a stored `source_file` names: itself when absolute, else the first of `bases` / it that is a file
    (names with escaped bytes turned back into the OS's); None when there is none."""
    if not source_file:
        return None
    p = Path(source_file)
    for c in [p] if p.is_absolute() else [Path(b) / p for b in bases]:
        c = Path(real_path(str(c)))
        if c.is_file():
            return c
    return None
