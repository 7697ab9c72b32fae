"""SOURCES.csv: one row per agency — its name, the URL of its 年报 column, optionally its level and place."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

NAME_COLUMNS = ("agency", "name", "机构", "机构名称")
URL_COLUMNS = ("url", "column_url", "网址", "栏目地址")


@dataclass(frozen=True)
class Source:
    agency: str
    url: str
    level: str | None = None
    place: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()


class SourcesError(ValueError):
    """SOURCES.csv cannot be used; the message says why (in Chinese, for the user)."""


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    return next((h for h in header if h.strip().lower() in names), None)


def read_sources(path: str | Path) -> list[Source]:
    """The sources of a CSV (UTF-8 ± BOM); a row without a usable http(s) URL is an error naming its line."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
            header = list(rows[0].keys()) if rows else []
    except (OSError, UnicodeDecodeError) as e:
        raise SourcesError(f"无法读取来源清单 {path}：{e}（应为 UTF-8 编码的 CSV）") from e
    name_col, url_col = _column(header, NAME_COLUMNS), _column(header, URL_COLUMNS)
    if not rows or name_col is None or url_col is None:
        raise SourcesError(f"来源清单 {path} 须有 agency（机构名称）和 url（年报栏目地址）两列")
    level_col, place_col = _column(header, ("level", "层级")), _column(header, ("place", "地区"))
    sources, bad = [], []
    for line, row in enumerate(rows, start=2):
        name, url = (row.get(name_col) or "").strip(), (row.get(url_col) or "").strip()
        if not name and not url:
            continue
        if not name or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            bad.append(f"第{line}行（{name or '无名称'}：{url or '无网址'}）")
            continue
        sources.append(
            Source(
                name,
                url,
                (row.get(level_col) or "").strip() or None if level_col else None,
                (row.get(place_col) or "").strip() or None if place_col else None,
            )
        )
    if bad:
        raise SourcesError(f"来源清单 {path} 有 {len(bad)} 行缺少机构名称或 http(s) 网址：" + "、".join(bad[:10]))
    return list(dict.fromkeys(sources))


def shard_of(source: Source, shards: int) -> int:
    """The shard a source belongs to: by a hash of its host, so one site's sources stay on one machine (and its
    politeness limits hold across the whole run)."""
    return int(hashlib.sha256(source.host.encode()).hexdigest()[:8], 16) % shards
