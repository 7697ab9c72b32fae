"""Bounds on what one file may hand to the parser, whatever its format, so that one absurd file costs a
bounded time and memory and gets a clear error instead (the build goes on).

The largest real report text here is ~100 000 characters with lines of at most ~17 000 (a crawler's
flattened table); the bounds are far above that. The regular-expression parsing downstream costs time in
proportion to a line's length, which is why a line has a bound of its own (a 60 MB file on one line took
24 s and 2.9 GB before).
"""

from __future__ import annotations

import signal

from etl.model import ReadError

MAX_TEXT_CHARS = 3_000_000  # characters of text in one report
MAX_LINE_CHARS = 300_000  # characters in one line of it
MAX_MARKUP_CHARS = 12_000_000  # characters of an HTML page before its text is taken out


def check_text(text: str, what: str = "文本") -> str:
    """The text itself, or ReadError if it is longer than a report can be, or holds an absurdly long line."""
    if len(text) > MAX_TEXT_CHARS:
        raise ReadError(f"{what}过长（{len(text):,} 字符，上限 {MAX_TEXT_CHARS:,}），不像年度报告，未解析")
    start = 0 if len(text) > MAX_LINE_CHARS else len(text)  # a shorter text has no line too long
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > MAX_LINE_CHARS:
            raise ReadError(
                f"{what}中有一行过长（{end - start:,} 字符，上限 {MAX_LINE_CHARS:,}），不像年度报告，未解析"
            )
        start = end + 1
    return text


def check_markup(text: str, what: str = "网页") -> str:
    if len(text) > MAX_MARKUP_CHARS:
        raise ReadError(f"{what}过大（{len(text):,} 字符，上限 {MAX_MARKUP_CHARS:,}），不像年度报告，未解析")
    return text


def allow_more_time(seconds: float) -> None:
    """Move the file's time limit (etl.parse's alarm, when one is set) ``seconds`` later: a reader that finds
    slow work it may do, bounded in its own way (OCR's pages), asks for their time."""
    if not hasattr(signal, "alarm"):
        return
    left = signal.alarm(0)
    if left:  # no alarm set: none is made (its signal would have no handler)
        signal.alarm(left + int(seconds))
