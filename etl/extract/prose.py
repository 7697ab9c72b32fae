"""Figures stated in the report's prose (issue 5): "共发布信息73条，其中政府网站41条…" -> Metric(source='text').

Deterministic and conservative: a figure is taken only when the number directly follows a key phrase in the
same clause and the clause's subject is the reporting body itself (not 各乡镇 / 区直各部门 / 公开办 …).
Rounded figures (70.67万条), approximate ones (60余人, 近40人) and numbers written in words (未收到) are left out.
Table lines (tab-separated) and the flattened table region of crawled pages are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.model import Document, Metric

N = r"(?P<n>\d+(?:\.\d+)?)"
# text after the number that makes the figure rounded or approximate
_APPROX_AFTER = re.compile(r"^(?:余|多|万(?!元)|亿|千|百)")
_APPROX_BEFORE = re.compile(r"(?:近|约|超过|超|逾|不少于|不低于|以上)$")
# a clause subject naming only part of the reporting body (or several of its parts)
_PART_SUBJECT = re.compile(
    r"其他|其它|同意|否决|不予|部分|各单位|各部门|各工作部门|各乡镇|乡镇|区直|县直|市直|公开办|部门（单位）|、|按时|延期"
)
_CLAUSE_START = re.compile(r"[，,：:；;（(）)]|[一二三四五六七八九十]、|\d[.、．]|(?=\d{4}年)")
# where the flattened statistics table begins inside a crawled line
_TABLE_START = re.compile(r"指标名称\s*计量单位|第二十条第[（(]一[)）]项|统计指标\s*单位")

_DIGIT = re.compile(r"\d")
_FIGURE = re.compile(
    r"\d[条件名人万元次期场]"
)  # what each of PATTERNS ends with: N and the first character of its unit
_SPACES = re.compile("[ \u3000\xa0]")
_ITEM_END = re.compile(r"[件条人名次个]、")  # "行政复议案件2件、行政诉讼案件7件": a new item


@dataclass(frozen=True)
class Pattern:
    metrics: dict  # template ('old' / 'new') -> metric key, or None when the template has no such key
    regex: re.Pattern
    unit: str
    guard: bool = True  # check the clause subject
    needs: str | None = None  # a metric that must already be found earlier in the same sentence
    sentence_has: str | None = None  # a word the sentence must contain


def _p(old, new, regex, unit, **kw) -> Pattern:
    return Pattern({"old": old, "new": new}, re.compile(regex), unit, **kw)


_PUBLISH = r"(?:主动)?(?:公开|发布|公布)"
PATTERNS: list[Pattern] = [
    # items published in total
    _p(
        "active.total",
        "active.total",
        r"(?:新增|共|累计)?主动公开(?:我区各级单位|各类)?(?:政府)?信息(?:数|总数)?(?:为|共|达)?" + N + r"条",
        "条",
    ),
    _p("active.total", "active.total", r"共(?:主动)?公布政府信息" + N + r"条", "条"),
    # "通过政府网站、政务微博、政务微信共发布信息73条" (several channels: the total) / one channel: that channel
    _p(
        "@channels",
        "@channels",
        r"通过(?P<via>[^，。；]{2,40}?)(?:全年)?(?:共)?" + _PUBLISH + r"(?:各类)?(?:政府)?信息" + N + r"条",
        "条",
    ),
    _p("channel.weibo", "channel.weibo", r"政务微博(?:平台)?(?:发布|公开)(?:政府)?信息" + N + r"条", "条"),
    _p("channel.wechat", "channel.wechat", r"政务微信(?:平台|公众号)?(?:发布|公开)(?:政府)?信息" + N + r"条", "条"),
    # requests
    _p(
        "request.received",
        "request.new",
        r"(?:收到|受理|接收|接到)[^，。；]{0,20}?政府信息公开(?:的)?申请(?:数)?(?:共计|共)?" + N + r"[件条]",
        "件",
    ),
    _p("request.received", "request.new", r"(?:收到|受理|接收)" + N + r"件(?:政府信息公开)?申请", "件"),
    _p("request.received.in_person", None, r"当面申请(?:数)?" + N + r"[件条]", "件"),
    _p("request.received.fax", None, r"传真申请(?:数)?" + N + r"[件条]", "件"),
    _p("request.received.online", None, r"(?:网上|网络)申请(?:数)?" + N + r"[件条]", "件"),
    _p("request.received.letter", None, r"信函申请(?:数)?" + N + r"[件条]", "件"),
    _p("request.received.email", None, r"电子邮件申请(?:数)?" + N + r"[件条]", "件"),
    # answered / closed
    _p("request.answered", "outcome.total", r"答复(?:总数|数)" + N + r"[件条]", "件"),
    _p("request.answered", "outcome.total", r"答复(?:政府信息公开|依申请公开)申请" + N + r"件", "件"),
    _p("request.closed", "outcome.total", r"办结(?:依申请公开(?:申请)?|政府信息公开申请)" + N + r"件", "件"),
    _p("request.closed", "outcome.total", r"办结" + N + r"件", "件", needs="@request"),
    _p("request.closed.on_time", None, r"按时办结(?:政府信息公开申请|依申请公开申请)?" + N + r"件", "件"),
    _p("request.answered.granted", None, r"(?<!不)同意公开答复(?:数)?" + N + r"[件条]", "件", guard=False),
    _p(None, "outcome.unable.not_held", r"因本机关不掌握(?:等原因)?无法提供" + N + r"件", "件"),
    # review and litigation
    _p("review.total", "review.total", r"行政复议(?:案件|申请)?(?:数量?)?(?:共)?" + N + r"件", "件"),
    _p("litigation.total", "litigation.total", r"行政诉讼(?:案件)?(?:数量?)?(?:共)?" + N + r"件", "件"),
    _p("litigation.total", "litigation.total", r"(?<!行政)诉讼(?:案件)?" + N + r"件", "件", needs="review.total"),
    _p("complaints.total", None, r"(?:政府信息公开)?申请举报投诉(?:数量?)?" + N + r"件", "件"),
    # staff, funds, training
    _p(
        "staff.total",
        "staff.total",
        r"(?:(?<![专兼]职)工作人员|从事[^，。；]{0,12}?工作(?:的)?人员)(?:共)?" + N + r"[名人]",
        "人",
    ),
    _p("staff.full_time", "staff.full_time", r"专职(?:工作)?人员(?:共)?" + N + r"[名人]", "人"),
    _p("staff.part_time", "staff.part_time", r"兼职(?:工作)?人员(?:共)?" + N + r"[名人]", "人"),
    _p("budget.special_funds", "budget.special_funds", r"专项经费(?:共|为)?" + N + r"(?P<money>万元|元)", "万元"),
    _p(
        "training.sessions",
        "training.sessions",
        r"(?:开展|举办)(?:了)?(?:政务公开|政府信息公开)?(?:业务)?培训(?:班)?(?:共)?" + N + r"(?:次|期|场)",
        "次",
        sentence_has="公开",
    ),
    _p(
        "training.sessions",
        "training.sessions",
        r"(?:开展|举办)(?:了)?" + N + r"(?:次|期|场)(?:政务公开|政府信息公开)?培训",
        "次",
        sentence_has="公开",
    ),
    _p(
        "training.attendees",
        "training.attendees",
        r"培训(?:人数|人员)(?:共|达)?" + N + r"(?P<u>人次|人|名)",
        "人次",
        sentence_has="公开",
    ),
]


def channel_of(label: str) -> str | None:
    if re.search(r"客户端|报刊|电视|广播|新闻网站|其他|其它|渠道|公开栏|公示栏|LED|APP|app", label):
        return "channel.other"
    if "公报" in label:
        return "channel.gazette"
    if "微博" in label:
        return "channel.weibo"
    if re.search(r"微信|公众号", label):
        return "channel.wechat"
    if "网站" in label or "网" in label and "门户" in label:
        return "channel.website"
    return None


def prose_lines(doc: Document) -> list[tuple[int, str]]:
    """(1-based line number, prose text) of the lines that are not table text."""
    out = []
    for i, line in enumerate(doc.lines, 1):
        if "\t" in line or line.lstrip().startswith("|"):
            continue
        cut = _TABLE_START.search(line)
        if cut:
            line = line[: cut.start()]
        if line.strip():
            out.append((i, line))
    return out


_CLAUSE_ENDS = tuple("。；;！!？?：:")  # a line ending so ends its paragraph
_SENTENCE_END = re.compile(r"[。；;！!？?]")


def _paragraphs(doc: Document) -> list[tuple[list[tuple[int, int]], str]]:
    """Prose lines joined where a line was wrapped mid-sentence (PDF text): (line starts, text)."""
    out: list[tuple[list[tuple[int, int]], str]] = []
    prev = None
    for lineno, line in prose_lines(doc):
        text = line.strip()
        if out and prev == lineno - 1 and not out[-1][1].endswith(_CLAUSE_ENDS):
            starts, para = out[-1]
            out[-1] = (starts + [(len(para), lineno)], para + text)
        else:
            out.append(([(0, lineno)], text))
        prev = lineno
    return out


def _line_at(starts: list[tuple[int, int]], pos: int) -> int:
    return max(lineno for offset, lineno in starts if offset <= pos)


def _sentences(line: str):
    start = 0
    for m in _SENTENCE_END.finditer(line):
        yield line[start : m.end()]
        start = m.end()
    if start < len(line):
        yield line[start:]


def _subject_ok(sentence: str, start: int) -> bool:
    cut = max((m.end() for m in _CLAUSE_START.finditer(sentence, 0, start)), default=0)
    cut = max([cut] + [m.end() for m in _ITEM_END.finditer(sentence, cut, start)])
    prefix = sentence[cut:start]
    return len(prefix) <= 30 and not _PART_SUBJECT.search(prefix)


def _approx(sentence: str, m: re.Match) -> bool:
    before = sentence[max(0, m.start("n") - 4) : m.start("n")]
    return bool(_APPROX_AFTER.match(sentence[m.end("n") :])) or bool(_APPROX_BEFORE.search(before))


def _quote(s: str, start: int, end: int) -> str:
    a, b = max(0, start - 25), min(len(s), end + 10)
    return ("…" if a else "") + s[a:b].strip() + ("…" if b < len(s) else "")


def extract_prose(doc: Document, template: str | None) -> list[Metric]:
    kind = "old" if template in (None, "old", "unknown") else "new"
    out: list[Metric] = []
    for starts, line in _paragraphs(doc):
        offset = 0
        for raw_sentence in _sentences(line):
            base, offset = offset, offset + len(raw_sentence)
            if not _DIGIT.search(raw_sentence):
                continue  # every pattern takes a number
            if _SPACES.search(raw_sentence):
                keep = [i for i, ch in enumerate(raw_sentence) if ch not in " \u3000\xa0"]
                sentence = "".join(raw_sentence[i] for i in keep)
            else:  # most sentences: nothing to drop, no character-by-character copy
                keep, sentence = range(len(raw_sentence)), raw_sentence
            if not _FIGURE.search(sentence):
                continue  # every pattern takes a number followed by its unit
            found: list[tuple[int, int, str, float, str]] = []  # start, end, key, value, unit
            taken: list[tuple[int, int]] = []
            hits = []
            for p in PATTERNS:
                key = p.metrics[kind]
                if key is None or (p.sentence_has and p.sentence_has not in sentence):
                    continue
                for m in p.regex.finditer(sentence):
                    hits.append((m.start(), p, key, m))
            hits.sort(key=lambda h: (h[0], -len(h[3].group(0))))
            for _start, p, key, m in hits:
                if any(a <= m.start("n") < b for a, b in taken):
                    continue
                needs = ("request.received", "request.new") if p.needs == "@request" else (p.needs,)
                if p.needs and not any(f[2] in needs for f in found):
                    continue
                if p.guard and not _subject_ok(sentence, m.start()):
                    continue
                if _approx(sentence, m):
                    continue
                value = float(m.group("n"))
                if key == "@channels":
                    via = m.group("via")
                    chans = {channel_of(part) for part in re.split(r"[、和及与]", via)}
                    if len(chans) == 1 and None not in chans:
                        key = chans.pop()
                    elif len(chans) > 1 and "、" in via:
                        key = "active.total"
                    else:
                        continue
                if m.groupdict().get("money") == "元":
                    value = value / 10000
                unit = m.groupdict().get("u") or p.unit
                found.append((m.start(), m.end(), key, value, unit))
                taken.append((m.start("n"), m.end("n")))
                items = []
                if key == "active.total":
                    items = _breakdown(sentence, m.end())
                elif (key in _OUTCOMES and kind == "old") or key == "review.total":
                    items = _outcomes(sentence, m.end(), key.split(".")[0])
                found.extend(items)
                taken.extend((a, b) for a, b, *_ in items)
            for start, end, key, value, unit in found:
                applicant = (
                    "total" if kind == "new" and (key.startswith("outcome.") or key.startswith("request.new")) else None
                )
                raw = _fmt(value)
                lineno = _line_at(starts, base + keep[start]) if keep else starts[0][1]
                locator = f"正文第{lineno}行：“{_quote(sentence, start, end)}”"
                out.append(
                    Metric(key, value, raw, locator, applicant=applicant, basis="year", unit=unit, source="text")
                )
    return out


def _breakdown(sentence: str, pos: int) -> list[tuple[int, int, str, float, str]]:
    """ "…共发布信息73条，其中政府网站41条、政务微博20条、政务微信12条" -> the channel items."""
    m = re.match(r"[，,]?其中[，,：:]?", sentence[pos:])
    if not m:
        return []
    pos += m.end()
    out = []
    seen = set()
    while True:
        item = re.match(r"(?P<label>[^\d。；]{1,25}?)" + N + r"条", sentence[pos:])
        if not item:
            break
        label = item.group("label").lstrip("，,、")
        key = channel_of(label)
        if key is None or key in seen or _APPROX_AFTER.match(sentence[pos + item.end("n") :]):
            break
        seen.add(key)
        out.append((pos + item.start(), pos + item.end(), key, float(item.group("n")), "条"))
        pos += item.end()
    return out


_OUTCOMES = {"review.total", "litigation.total"}


def _outcome_of(label: str) -> str | None:
    if "尚未审结" in label:
        return "pending"
    if re.search(r"纠错|纠正", label):
        return "corrected"
    if "维持" in label:
        return "upheld"
    if re.search(r"其他|其它", label):
        return "other"
    return None


def _outcomes(sentence: str, pos: int, group: str) -> list[tuple[int, int, str, float, str]]:
    """ "行政复议案件22件，其中维持行政行为10件，纠错4件，其他情形8件" -> review.upheld/corrected/other."""
    m = re.match(r"[，,]?其中[，,：:]?", sentence[pos:])
    if not m:
        return []
    pos += m.end()
    out, seen = [], set()
    while True:
        item = re.match(r"[，,、]?(?P<label>[^\d，,、。；]{1,20}?)" + N + r"件", sentence[pos:])
        if not item:
            break
        what = _outcome_of(item.group("label"))
        if what is None or what in seen or _APPROX_AFTER.match(sentence[pos + item.end("n") :]):
            break
        seen.add(what)
        out.append((pos + item.start("label"), pos + item.end(), f"{group}.{what}", float(item.group("n")), "件"))
        pos += item.end()
    return out


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
