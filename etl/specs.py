"""The row layout of every statistics table the parser knows, in printed order.

A RowSpec says which metric cells one printed row holds and how its label reads. Patterns are regular
expressions over the label after `warehouse.text.nfkc` with whitespace removed; `num` is the sub-item number
printed before the label ("2" for "2.政府网站…"), used to cut it off digits it is glued to in flattened
text; `prefix` is numbering that must be present to tell the row apart (e.g. "(七)" before 总计).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from warehouse.contract import APPLICANTS

CellKey = tuple[str, str | None, str]  # (metric, applicant, basis)


@dataclass(frozen=True, eq=False)  # identity: specs are singletons, hashed often
class RowSpec:
    block: str
    cells: tuple[CellKey, ...]
    pattern: str | None  # None: an unlabelled row of numbers under a header (section 四)
    num: str | None = None
    prefix: str | None = None
    instead_of: tuple[str, ...] = ()  # the metrics of rows this row is printed in place of (2021's one-row （六）)


@dataclass(frozen=True, eq=False)
class TableSpec:
    name: str  # template_variant-ish name, e.g. "national", "fujian2014", "2019"
    template: str
    variant: str
    anchor: str  # where the table starts in flattened text
    rows: tuple[RowSpec, ...]
    unit_column: bool = False  # rows carry a unit cell (条/件/元) between label and values


def _one(block, key, pattern, num=None, prefix=None, bases=("year",)):
    return RowSpec(block, tuple((key, None, b) for b in bases), pattern, num, prefix)


def _national() -> TableSpec:
    rows = [
        ("一", "active.total", r"主动公开政府信息数", None),
        ("一", "active.normative_published", r"主动公开规范性文件数", None),
        ("一", "active.normative_issued", r"制发规范性文件总数", None),
        ("一", "channel.gazette", r"政府公报公开政府信息数", "1"),
        ("一", "channel.website", r"政府网站公开政府信息数", "2"),
        ("一", "channel.weibo", r"政务微博公开政府信息数", "3"),
        ("一", "channel.wechat", r"政务微信公开政府信息数", "4"),
        ("一", "channel.other", r"其他方式公开政府信息数", "5"),
        ("二", "response.hotspots", r"回应公众关注热点或重大舆情数", None),
        ("二", "response.press_conferences", r"参加或举办新闻发布会总次数", "1"),
        ("二", "response.press_conferences_head", r"主要负责同志参加新闻发布会次数", None),
        ("二", "response.online_interviews", r"政府网站在线访谈次数", "2"),
        ("二", "response.online_interviews_head", r"主要负责同志参加政府网站在线访谈次数", None),
        ("二", "response.interpretations", r"政策解读稿件发布数", "3"),
        ("二", "response.weibo_wechat", r"微博微信回应事件数", "4"),
        ("二", "response.other", r"其他方式回应事件数", "5"),
        ("三", "request.received", r"收到申请数", None),
        ("三", "request.received.in_person", r"当面申请数", "1"),
        ("三", "request.received.fax", r"传真申请数", "2"),
        ("三", "request.received.online", r"网络申请数", "3"),
        ("三", "request.received.letter", r"信函申请数", "4"),
        ("三", "request.closed", r"申请办结数", None),
        ("三", "request.closed.on_time", r"按时办结数", "1"),
        ("三", "request.closed.extended", r"延期办结数", "2"),
        ("三", "request.answered", r"申请答复数", None),
        ("三", "request.answered.already_public", r"属于已主动公开范围数?", "1"),
        ("三", "request.answered.granted", r"同意公开答复数", "2"),
        ("三", "request.answered.partial", r"同意部分公开答复数", "3"),
        ("三", "request.answered.denied", r"不同意公开答复数", "4"),
        ("三", "request.answered.denied.state_secret", r"涉及国家秘密", None),
        ("三", "request.answered.denied.commercial_secret", r"涉及商业秘密", None),
        ("三", "request.answered.denied.privacy", r"涉及个人隐私", None),
        ("三", "request.answered.denied.security_stability", r"危及国家安全、?公共安全、?经济安全和社会稳定", None),
        ("三", "request.answered.denied.not_gov_info", r"不是.{0,6}所指(的)?政府信息", None),
        ("三", "request.answered.denied.other_law", r"法律法规规定的其他情形", None),
        ("三", "request.answered.not_this_agency", r"不属于本行政机关公开数?", "5"),
        ("三", "request.answered.not_exist", r"申请信息不存在数?", "6"),
        ("三", "request.answered.correction", r"告知作出更改补充数?", "7"),
        ("三", "request.answered.other_route", r"告知通过其他途径办理数?", "8"),
        ("四", "review.total", r"行政复议数量", None),
        ("四", "review.upheld", r"维持具体行政行为数", None),
        ("四", "review.corrected", r"被依法纠错数", None),
        ("四", "review.other", r"其他情形数", None),
        ("五", "litigation.total", r"行政诉讼数量", None),
        ("五", "litigation.upheld", r"维持具体行政行为或者?驳回原告诉讼请求数", None),
        ("五", "litigation.corrected", r"被依法纠错数", None),
        ("五", "litigation.other", r"其他情形数", None),
        ("六", "complaints.total", r"举报投诉数量", None),
        ("七", "fees.collected", r"依申请公开信息收取的费用", None),
        ("八", "org.units", r"政府信息公开工作专门机构数", None),
        ("八", "org.reading_points", r"设置政府信息公开查阅点数", None),
        ("八", "staff.total", r"从事政府信息公开工作人员数", None),
        ("八", "staff.full_time", r"专职人员数", "1"),
        ("八", "staff.part_time", r"兼职人员数", "2"),
        ("八", "budget.special_funds", r"政府信息公开专项经费", None),
        ("九", "meetings.total", r"召开政府信息(与政务)?公开工作会议(或专题会议)?数", None),
        ("九", "training.sessions", r"举办各类培训班数", None),
        ("九", "training.attendees", r"接受培训人员数", None),
    ]
    return TableSpec(
        "national",
        "old",
        "national",
        r"统计指标|政府信息公开情况统计表",
        tuple(_one(b, k, p, n) for b, k, p, n in rows),
        unit_column=True,
    )


_BOTH = ("year", "cumulative")


def _fujian(name: str, rows) -> TableSpec:
    return TableSpec(
        name,
        "old",
        "fujian",
        r"指标名称",
        tuple(_one("统计表", k, p, n, bases=_BOTH) for k, p, n in rows),
        unit_column=True,
    )


FUJIAN_2009 = _fujian(
    "fujian2009",
    [
        ("active.total", r"主动公开信息数", None),
        ("channel.website", r"(政府)?网站(公开)?", "1"),
        ("channel.gazette", r"(政府)?公报(公开)?", "2"),
        ("request.received", r"受理依申请公开信息总数", None),
        ("request.received.in_person", r"当面申请数", "1"),
        ("request.received.fax", r"传真申请数", "2"),
        ("request.received.email", r"电子邮件申请数", "3"),
        ("request.received.online", r"网上申请数", "4"),
        ("request.received.letter", r"信函申请数", "5"),
        ("request.received.other", r"其[它他]形式申请数", "6"),
        ("request.answered", r"(本年度)?对申请的答复总?数", None),
        ("request.answered.granted", r"同意公开答复数", "1"),
        ("request.answered.partial", r"同意部分公开答复数", "2"),
        ("request.answered.denied", r"否决公开答复总?数", "3"),
        ("review.total", r"行政复议数", None),
        ("litigation.total", r"行政诉讼数", None),
        ("complaints.total", r"行政申诉(、举报)?数", None),
    ],
)

FUJIAN_2014 = _fujian(
    "fujian2014",
    [
        ("active.total", r"主动公开(文件|信息)数", None),
        ("channel.website", r"(政府)?网站公开数?", "1"),
        ("channel.gazette", r"(政府)?公报公开数?", "2"),
        ("request.received", r"受理(政府信息)?依申请公开(信息)?总数", None),
        ("request.received.in_person", r"当面申请数", "1"),
        ("request.received.online", r"网上申请数", "2"),
        ("request.received.letter", r"信函、传真申请数", "3"),
        ("request.answered", r"对申请的答复总?数", None),
        ("request.answered.granted", r"同意公开答复数", "1"),
        ("request.answered.partial", r"同意部分公开答复数", "2"),
        ("request.answered.denied", r"(不予|否决)公开答复数", "3"),
        ("request.answered.other", r"其他类型答复数", "4"),
        ("fees.collected", r"政府信息公开收费减免金额", None),
        ("complaints.total", r"接受行政诉讼、举报数", None),
        ("review.total", r"行政复议数", None),
        ("litigation.total", r"行政诉讼数", None),
    ],
)


def _applicant_row(key, pattern, num=None, prefix=None, instead_of=()) -> RowSpec:
    return RowSpec("三", tuple((key, a, "year") for a in APPLICANTS), pattern, num, prefix, instead_of)


def _section3(other_rows) -> list[RowSpec]:
    return [
        _applicant_row("request.new", r"本年新收政府信息公开申请数量"),
        _applicant_row("request.carried_in", r"上年结转政府信息公开申请数量"),
        _applicant_row("outcome.granted", r"予以公开", prefix=r"\(一\)"),
        _applicant_row("outcome.partial", r"部分公开(\(区分处理的[^)]*\))?", prefix=r"\(二\)"),
        _applicant_row("outcome.denied.state_secret", r"属于国家秘密", "1"),
        _applicant_row("outcome.denied.law_forbidden", r"其他法律行政法规禁止公开", "2"),
        _applicant_row("outcome.denied.security_stability", r'危及"?三安全一稳定"?', "3"),
        _applicant_row("outcome.denied.third_party", r"保护第三方合法权益", "4"),
        _applicant_row("outcome.denied.internal_affairs", r"属于三类内部事务信息", "5"),
        _applicant_row("outcome.denied.process_info", r"属于四类过程性信息", "6"),
        _applicant_row("outcome.denied.enforcement_file", r"属于行政执法案卷", "7"),
        _applicant_row("outcome.denied.query_matter", r"属于行政查询事项", "8"),
        _applicant_row("outcome.unable.not_held", r"本机关不掌握相关政府信息", "1"),
        _applicant_row("outcome.unable.needs_creation", r"没有现成信息需要另行制作", "2"),
        _applicant_row("outcome.unable.unclear", r"补正后申请内容仍不明确", "3"),
        _applicant_row("outcome.unprocessed.petition", r"信访举报投诉类申请", "1"),
        _applicant_row("outcome.unprocessed.repeat", r"重复申请", "2"),
        _applicant_row("outcome.unprocessed.publication", r"要求提供公开出版物", "3"),
        _applicant_row("outcome.unprocessed.excessive", r"无正当理由大量反复申请", "4"),
        _applicant_row("outcome.unprocessed.confirmation", r"要求行政机关确认或重新出具已获取信息", "5"),
        *other_rows,
        _applicant_row("outcome.total", r"总计", prefix=r"\(七\)"),
        _applicant_row("request.carried_out", r"结转下年度继续办理"),
    ]


_RESULTS = ("upheld", "corrected", "other", "pending", "total")
SECTION4 = RowSpec(
    "四",
    tuple(
        (f"{group}.{r}", None, "year")
        for group in ("review", "litigation_direct", "litigation_after_review")
        for r in _RESULTS
    ),
    None,
)
SECTION4_FLAT = r"复议后起诉(?:结果维持|结果纠正|其他结果|尚未审结|总计)+"


def _cols(block, pattern, *keys) -> RowSpec:
    return RowSpec(block, tuple((k, None, "year") for k in keys), pattern)


SPEC_2019 = TableSpec(
    "2019",
    "2019",
    "national",
    r"第二十条第\(一\)项",
    tuple(
        [
            _cols("二", r"规章", "rules.made", "rules.published", "rules.public_total"),
            _cols("二", r"规范性文件", "normative.made", "normative.published", "normative.public_total"),
            _cols("二", r"行政许可", "license.prev_items", "license.change", "license.decisions"),
            _cols(
                "二",
                r"其他对外管理服务事项",
                "admin_service.prev_items",
                "admin_service.change",
                "admin_service.decisions",
            ),
            _cols("二", r"行政处罚", "penalty.prev_items", "penalty.change", "penalty.decisions"),
            _cols("二", r"行政强制", "coercion.prev_items", "coercion.change", "coercion.decisions"),
            _cols("二", r"行政事业性收费", "admin_fees.prev_items", "admin_fees.change"),
            _cols("二", r"政府集中采购", "procurement.projects", "procurement.amount"),
            *_section3([_applicant_row("outcome.other", r"其他处理", prefix=r"\(六\)")]),
            SECTION4,
        ]
    ),
)

SPEC_2021 = TableSpec(
    "2021",
    "2021",
    "national",
    r"第二十条第\(一\)项",
    tuple(
        [
            _cols("二", r"规章", "rules.made", "rules.repealed", "rules.in_force"),
            _cols("二", r"(行政)?规范性文件", "normative.made", "normative.repealed", "normative.in_force"),
            _cols("二", r"行政许可", "license.decisions"),
            _cols("二", r"行政处罚", "penalty.decisions"),
            _cols("二", r"行政强制", "coercion.decisions"),
            _cols("二", r"行政事业性收费", "admin_fees.amount"),
            *_section3(
                [
                    # some 2021-format reports still print （六）其他处理 as one row, as the 2019 format did
                    _applicant_row(
                        "outcome.other",
                        r"其他处理",
                        prefix=r"\(六\)",
                        instead_of=("outcome.other.no_correction", "outcome.other.no_fee", "outcome.other.other"),
                    ),
                    _applicant_row(
                        "outcome.other.no_correction",
                        r"申请人无正当理由逾期不补正、?行政机关不再处理其政府信息公开申请",
                        "1",
                    ),
                    _applicant_row(
                        "outcome.other.no_fee",
                        r"申请人逾期未按收费通知要求缴纳费用、?行政机关不再处理其政府信息公开申请",
                        "2",
                    ),
                    _applicant_row("outcome.other.other", r"其他", prefix=r"3[.、]"),
                ]
            ),
            SECTION4,
        ]
    ),
)

NATIONAL = _national()
SPECS = {s.name: s for s in (NATIONAL, FUJIAN_2009, FUJIAN_2014, SPEC_2019, SPEC_2021)}


def row_cells(template: str, variant: str | None, key: CellKey) -> tuple[CellKey, ...] | None:
    """The cells, in printed order, of the row that holds `key` in a table of that template and variant (the
    Fujian tables of 2009 and 2014 agree on every row they share)."""
    return _ROW_CELLS.get((template, variant), {}).get(key)


_ROW_CELLS: dict[tuple[str, str], dict[CellKey, tuple[CellKey, ...]]] = {}
for _spec in SPECS.values():
    _ROW_CELLS.setdefault((_spec.template, _spec.variant), {}).update(
        {k: row.cells for row in _spec.rows for k in row.cells}
    )


def official_label(row: RowSpec) -> str:
    """The row's label in plain words (its pattern without the variants it allows), for matching a label printed
    with a character lost, added or wrong: '属于已主动公开范围数?' -> '属于已主动公开范围数'."""
    return _official_label(row.pattern) if row.pattern else ""


@cache  # a few hundred patterns, asked for every label compared approximately
def _official_label(pattern: str) -> str:
    p = re.sub(r"\(\\\(.*?\\\)\)\?", "", pattern)  # an optional remark in brackets
    p = re.sub(r"\((?:\?:)?[^()]*\)\?", "", p)  # optional words
    p = re.sub(r"\(([^()|]*)(?:\|[^()]*)?\)", r"\1", p)  # alternatives: the first
    p = re.sub(r"\[(.)[^\]]*\]", r"\1", p)  # [它他] -> 它
    p = re.sub(r"\.\{\d+,\d+\}|[?\\\"]", "", p)
    return re.sub(r"(.)\?", r"\1", p)
