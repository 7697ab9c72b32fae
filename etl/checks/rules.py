"""The consistency rules of formats.md §7 as data: each rule expands into linear constraints over cells.

The same constraints check a parsed report (etl.checks.run) and pick the one consistent split of merged
digits in flattened text (etl.extract.split).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from etl.specs import CellKey
from warehouse.contract import APPLICANT_ZH, APPLICANTS, catalogue, metrics_under

PARTIES = APPLICANTS[:-1]


@dataclass(frozen=True)
class Constraint:
    rule: str
    severity: str
    kind: str  # "eq": Σleft = Σright; "ge": Σleft ≥ Σright; "ge_max": left ≥ max(right); "le": Σleft ≤ Σright
    left: tuple[CellKey, ...]
    right: tuple[CellKey, ...]
    message: str  # Chinese sentence; {left} and {right} are filled with the two sides
    for_split: bool = True  # may be used to choose among splits of merged digits


def _c(rule, severity, kind, left, right, message, for_split=True, basis="year", applicant=None):
    return Constraint(
        rule,
        severity,
        kind,
        tuple((k, applicant, basis) for k in left),
        tuple((k, applicant, basis) for k in right),
        message,
        for_split,
    )


_S3_OUTCOMES_2019 = [
    "outcome.granted",
    "outcome.partial",
    *metrics_under("outcome.denied"),  # the eight 不予公开 reasons
    *[f"outcome.unable.{x}" for x in ("not_held", "needs_creation", "unclear")],
    *[f"outcome.unprocessed.{x}" for x in ("petition", "repeat", "publication", "excessive", "confirmation")],
]
S3_OUTCOMES = {
    "2019": _S3_OUTCOMES_2019 + ["outcome.other"],
    "2021": _S3_OUTCOMES_2019 + ["outcome.other.no_correction", "outcome.other.no_fee", "outcome.other.other"],
}
# a 2021 report prints the three rows of （六）, or (as some do) the one row of 2019: whichever it has is summed
_SUMMED = {"2019": S3_OUTCOMES["2019"], "2021": S3_OUTCOMES["2021"] + ["outcome.other"]}
S3_ROWS = {
    t: ["request.new", "request.carried_in", *rows, "outcome.total", "request.carried_out"]
    for t, rows in _SUMMED.items()
}


def _modern(template: str) -> list[Constraint]:
    out = []
    for a in APPLICANTS:
        col = APPLICANT_ZH[a]
        out.append(
            _c(
                "apply.balance",
                "error",
                "eq",
                ["request.new", "request.carried_in"],
                ["outcome.total", "request.carried_out"],
                f"「{col}」列：本年新收与上年结转之和（{{left}}）不等于办理结果总计与结转下年度之和（{{right}}）",
                applicant=a,
            )
        )
        out.append(
            _c(
                "apply.outcome_sum",
                "error",
                "eq",
                ["outcome.total"],
                _SUMMED[template],
                f"「{col}」列：（七）总计（{{left}}）不等于各项办理结果之和（{{right}}）",
                applicant=a,
            )
        )
    label = {k: catalogue()[k].label_zh for k in S3_ROWS[template]}
    for m in S3_ROWS[template]:
        out.append(
            Constraint(
                "apply.applicant_sum",
                "error",
                "eq",
                ((m, "total", "year"),),
                tuple((m, p, "year") for p in PARTIES),
                f"「{label[m]}」行：总计（{{left}}）不等于各类申请人之和（{{right}}）",
            )
        )
    for group, zh in (
        ("review", "行政复议"),
        ("litigation_direct", "未经复议直接起诉"),
        ("litigation_after_review", "复议后起诉"),
    ):
        out.append(
            _c(
                f"{group}.sum",
                "error",
                "eq",
                [f"{group}.total"],
                [f"{group}.{r}" for r in ("upheld", "corrected", "other", "pending")],
                f"{zh}：总计（{{left}}）不等于维持、纠正、其他、尚未审结之和（{{right}}）",
            )
        )
    if template == "2019":
        # R7 (formats.md §4): the documents published this year are among all those published; splits only
        for g, zh in (("rules", "规章"), ("normative", "规范性文件")):
            out.append(
                _c(
                    "active.published_le_total",
                    "info",
                    "le",
                    [f"{g}.published"],
                    [f"{g}.public_total"],
                    f"{zh}：本年新公开数量（{{left}}）大于对外公开总数量（{{right}}）",
                )
            )
    return out


_CHANNELS = ["channel.gazette", "channel.website", "channel.weibo", "channel.wechat", "channel.other"]
_RECEIVED = [
    "request.received.in_person",
    "request.received.fax",
    "request.received.online",
    "request.received.letter",
    "request.received.email",
    "request.received.other",
]
_ANSWERED = [
    "request.answered.already_public",
    "request.answered.granted",
    "request.answered.partial",
    "request.answered.denied",
    "request.answered.not_this_agency",
    "request.answered.not_exist",
    "request.answered.correction",
    "request.answered.other_route",
    "request.answered.other",
]
_DENIED = metrics_under("request.answered.denied")  # the six reasons of the old tables


def _old(basis: str, fujian: bool) -> list[Constraint]:
    tag = "（历年累计）" if basis == "cumulative" else ""
    rules = [
        _c(
            "old.active.channels_max",
            "error",
            "ge_max",
            ["active.total"],
            _CHANNELS,
            f"主动公开政府信息数{tag}（{{left}}）小于单一渠道公开数（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.active.channels_sum",
            "warning",
            "le",
            ["active.total"],
            _CHANNELS,
            f"主动公开政府信息数{tag}（{{left}}）大于各渠道公开数之和（{{right}}）",
            basis=basis,
            for_split=False,
        ),
        _c(
            "old.request.received_sum",
            "error",
            "eq",
            ["request.received"],
            _RECEIVED,
            f"收到申请数{tag}（{{left}}）不等于各申请方式之和（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.request.closed_sum",
            "error",
            "eq",
            ["request.closed"],
            ["request.closed.on_time", "request.closed.extended"],
            f"申请办结数{tag}（{{left}}）不等于按时办结与延期办结之和（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.request.answered_sum",
            "error",
            "eq",
            ["request.answered"],
            _ANSWERED,
            f"申请答复数{tag}（{{left}}）不等于各类答复之和（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.request.denied_sum",
            "error",
            "eq",
            ["request.answered.denied"],
            _DENIED,
            f"不同意公开答复数{tag}（{{left}}）不等于其六项理由之和（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.request.closed_le_received",
            "warning",
            "le",
            ["request.closed"],
            ["request.received"],
            f"申请办结数{tag}（{{left}}）大于收到申请数（{{right}}）",
            basis=basis,
            for_split=False,
        ),
        _c(
            "old.review.sum",
            "error",
            "eq",
            ["review.total"],
            ["review.upheld", "review.corrected", "review.other"],
            f"行政复议数量{tag}（{{left}}）不等于维持、纠错、其他之和（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.litigation.sum",
            "error",
            "eq",
            ["litigation.total"],
            ["litigation.upheld", "litigation.corrected", "litigation.other"],
            f"行政诉讼数量{tag}（{{left}}）不等于维持/驳回、纠错、其他之和（{{right}}）",
            basis=basis,
        ),
        _c(
            "old.staff.sum",
            "error",
            "eq",
            ["staff.total"],
            ["staff.full_time", "staff.part_time"],
            f"从事政府信息公开工作人员数{tag}（{{left}}）不等于专职与兼职之和（{{right}}）",
            basis=basis,
        ),
    ]
    if fujian:
        # "其中" breakdowns of the Fujian table: the parts never exceed the whole (used to split digit runs)
        rules.append(
            _c(
                "old.active.breakdown",
                "info",
                "ge",
                ["active.total"],
                ["channel.website", "channel.gazette"],
                f"主动公开信息数{tag}（{{left}}）小于网站与公报公开之和（{{right}}）",
                basis=basis,
            )
        )
    return rules


def _cumulative_ge_year(keys: list[str]) -> list[Constraint]:
    return [
        Constraint(
            "old.cumulative.ge_year",
            "error",
            "ge",
            ((k, None, "cumulative"),),
            ((k, None, "year"),),
            f"「{catalogue()[k].label_zh}」历年累计（{{left}}）小于本年度数（{{right}}）",
        )
        for k in keys
    ]


@cache
def constraints_for(spec_name: str) -> tuple[Constraint, ...]:
    if spec_name in ("2019", "2021"):
        return tuple(_modern(spec_name))
    if spec_name == "national":
        return tuple(_old("year", fujian=False))
    from etl.specs import SPECS

    keys = [row.cells[0][0] for row in SPECS[spec_name].rows]
    return tuple(_old("year", True) + _old("cumulative", True) + _cumulative_ge_year(keys))


def evaluate(c: Constraint, values: dict[CellKey, float | None]) -> tuple[str, float | None, float | None]:
    """(status, left, right): 'skipped' when the left side or every right-side cell is blank or absent."""
    left = [values.get(k) for k in c.left]
    right = [v for k in c.right if (v := values.get(k)) is not None]
    if None in left or not right:
        return "skipped", None, None
    lsum = sum(left)
    rval = max(right) if c.kind == "ge_max" else sum(right)
    if c.kind == "eq":
        ok = abs(lsum - rval) < 1e-6
    elif c.kind == "le":
        ok = lsum <= rval + 1e-6
    else:  # ge, ge_max
        ok = lsum >= rval - 1e-6
    return ("pass" if ok else "fail"), lsum, rval
