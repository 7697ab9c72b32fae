"""The in-memory shapes every stage passes on: a read document, and what is extracted from it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A table as the report laid it out: rows of cell texts in source order (spans not expanded).

    ``locator`` names where the table was found (e.g. ``table 2`` or ``page 3 table 1``). Tables read by OCR
    note each cell's confidence in ``cell_notes`` and name the figures not taken in ``unsure`` (both keyed by
    row and cell index; the text read stays in ``rows``).
    """

    rows: list[list[str]]
    locator: str
    row_locators: list[str] = field(default_factory=list)
    cell_notes: dict[tuple[int, int], str] = field(default_factory=dict)
    unsure: dict[tuple[int, int], str] = field(default_factory=dict)

    def row_locator(self, i: int) -> str:
        return self.row_locators[i] if i < len(self.row_locators) else f"{self.locator} 第{i + 1}行"


@dataclass
class Document:
    """What a reader hands on: the report's text, its tables, and what the container told us."""

    text: str  # the report's text, tables included as tab-separated lines
    tables: list[Table] = field(default_factory=list)
    file_format: str = "txt"
    title: str | None = None  # <title>, crawler header, document properties
    published: str | None = None  # a publication date the container states (crawler header, meta tag)
    warnings: list[str] = field(default_factory=list)
    scanned: bool = False  # every page was read by OCR (an image, an image-only PDF)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def first_lines(self, n: int) -> list[str]:
        """lines[:n], without splitting the whole text."""
        return self.text.split("\n", n)[:n]

    def last_lines(self, n: int) -> list[str]:
        """lines[-n:], without splitting the whole text."""
        return self.text.rsplit("\n", n)[-n:]


@dataclass
class Metric:
    metric: str
    value: float | None
    raw: str
    locator: str
    applicant: str | None = None
    basis: str = "year"
    unit: str | None = None
    source: str = "table"


@dataclass
class Check:
    rule: str
    severity: str
    status: str
    message: str
    expected: float | None = None
    actual: float | None = None
    # the cells a failing rule involves, as (metric, applicant, basis): not a warehouse column (the report page and
    # the 预审 recompute them from the report's figures, etl/precheck.py); a prose figure's key is its table cell's
    cells: tuple[tuple[str, str | None, str], ...] = ()


class ReadError(Exception):
    """A report file that cannot be read; the message is shown to the user as is."""
