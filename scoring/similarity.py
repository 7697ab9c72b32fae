"""Text similarity between reports: prose paragraphs -> character shingles -> MinHash (datasketch).

Numbers are replaced by '#', and the agency's own names by a placeholder, before shingling, so a report
copied from last year's with new numbers (or from another agency with the name changed) still matches.
Statistics-table lines and short headings are left out: every report of a template shares them.

similarity(A, B) is the share of A's shingles found in B (containment): "x% of this report's prose is in B".
MinHash/LSH only pre-selects candidate pairs among many same-year reports; the reported share is exact.
Templated reports are all alike (every town of a county may share one text), so each report keeps only its
`top` closest same-year matches, ranked by the MinHash estimate before the exact share is computed: the work
grows with the reports, not with the pairs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from datasketch import MinHash, MinHashLSH

_TABLE_WORDS = (
    "本年新收政府信息公开申请数量",
    "第二十条第",
    "主动公开政府信息数",
    "当面申请数",
    "行政复议数量",
    "结果维持",
    "结果纠正",
    "予以公开",
    "本机关不掌握",
    "本年制发件数",
    "现行有效件数",
    "本年新制作数量",
    "申请人情况",
    "自然人",
    "商业企业",
    "历年累计",
    "指标名称",
    "统计指标",
    "信函申请数",
    "网络申请数",
)
MIN_LINE = 20


@dataclass
class Paragraph:
    text: str  # as printed (stripped)
    norm: str  # normalised for shingling


@dataclass
class ReportText:
    report_id: str
    paragraphs: list[Paragraph]
    shingles: set[str] = field(default_factory=set)
    minhash: MinHash | None = None
    paragraph_shingles: list[set[str]] = field(default_factory=list)


def normalise(text: str, names: list[str] = ()) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    for n in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        t = t.replace(re.sub(r"\s+", "", unicodedata.normalize("NFKC", n)), "〇")
    t = re.sub(r"[0-9]+(?:[.,][0-9]+)*", "#", t)
    t = re.sub(r"[一二三四五六七八九十〇零两]+(?=[年月日项条件次个])", "#", t)
    return t


def _is_table_line(line: str, norm: str) -> bool:
    if "\t" in line:
        return True
    if sum(w in norm for w in _TABLE_WORDS) >= 2:
        return True
    return norm.count("#") > max(6, len(norm) * 0.15)


def paragraphs(text: str, names: list[str] = ()) -> list[Paragraph]:
    out = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        norm = normalise(s, names)
        if len(norm) < MIN_LINE or _is_table_line(line, norm):
            continue
        out.append(Paragraph(s, norm))
    return out


def shingle_set(norms: list[str], k: int) -> set[str]:
    out: set[str] = set()
    for n in norms:
        if len(n) < k:
            continue
        out.update(n[i : i + k] for i in range(len(n) - k + 1))
    return out


def make_minhash(shingles: set[str], num_perm: int) -> MinHash:
    m = MinHash(num_perm=num_perm)
    m.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return m


def prepare(report_id: str, text: str, names: list[str], k: int = 8, num_perm: int = 128) -> ReportText:
    paras = paragraphs(text, names)
    per_paragraph = [shingle_set([p.norm], k) for p in paras]
    sh = set().union(*per_paragraph)
    return ReportText(report_id, paras, sh, make_minhash(sh, num_perm) if sh else None, per_paragraph)


def containment(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a) if a else 0.0


@dataclass
class Match:
    report_id: str
    source_id: str
    kind: str  # previous_year | same_year
    similarity: float  # share of report_id's prose shingles present in source_id


def find_matches(
    texts: dict[str, ReportText],
    previous: dict[str, str],
    same_year_groups: list[list[str]],
    candidate_jaccard: float = 0.3,
    num_perm: int = 128,
    top: int = 3,
) -> list[Match]:
    """previous: report_id -> the same agency's previous report_id; same_year_groups: report ids to compare
    across agencies (each list one year; pairs of the same agency are the caller's business to leave out).
    Each report keeps its `top` closest same-year matches."""
    out: list[Match] = []
    for rid, prev in previous.items():
        a, b = texts.get(rid), texts.get(prev)
        if a and b and a.shingles and b.shingles:
            out.append(Match(rid, prev, "previous_year", containment(a.shingles, b.shingles)))
    for group in same_year_groups:
        ids = [r for r in group if r in texts and texts[r].minhash is not None]
        if len(ids) < 2:
            continue
        lsh = MinHashLSH(threshold=candidate_jaccard, num_perm=num_perm)
        for r in ids:
            lsh.insert(r, texts[r].minhash)
        at = {r: i for i, r in enumerate(ids)}
        hashes = np.stack([texts[r].minhash.hashvalues for r in ids])
        for r in ids:
            cands = sorted(c for c in lsh.query(texts[r].minhash) if c != r)
            if len(cands) > 2 * top:  # the closest by the MinHash estimate, then the exact share
                estimate = (hashes[[at[c] for c in cands]] == hashes[at[r]]).mean(axis=1)
                cands = [cands[i] for i in np.argsort(-estimate, kind="stable")[: 2 * top]]
            scored = [Match(r, c, "same_year", containment(texts[r].shingles, texts[c].shingles)) for c in cands]
            out += sorted(scored, key=lambda m: (-m.similarity, m.source_id))[:top]
    return out


def copied_passages(
    a: ReportText, b: ReportText, k: int = 8, min_share: float = 0.6, limit: int = 5
) -> list[tuple[str, str, float]]:
    """Paragraphs of a found (mostly) in b: (a's paragraph, b's closest paragraph, share), longest first."""
    b_sets = list(zip(b.paragraphs, b.paragraph_shingles or [shingle_set([p.norm], k) for p in b.paragraphs]))
    out = []
    for p, sa in zip(a.paragraphs, a.paragraph_shingles or [shingle_set([p.norm], k) for p in a.paragraphs]):
        if not sa:
            continue
        best, best_share = None, 0.0
        for q, sb in b_sets:
            if not sb:
                continue
            share = len(sa & sb) / len(sa)
            if share > best_share:
                best, best_share = q, share
        if best is not None and best_share >= min_share:
            out.append((p.text, best.text, best_share))
    out.sort(key=lambda t: len(t[0]), reverse=True)
    return out[:limit]
