"""Load and validate a scorecard rubric (TOML). Every problem is reported in Chinese and English."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_RUBRIC = Path(__file__).with_name("default_rubric.toml")

PEER_COLUMNS = ("level", "parent", "agency_kind", "province", "prefecture", "county", "template")

# indicator id -> (default label, parameters it accepts with their types)
_NUM = (int, float)
INDICATOR_PARAMS: dict[str, dict[str, Any]] = {
    "timeliness": {
        "department_deadline": str,
        "government_deadline": str,
        "old_deadline": str,
        "new_rule_from_year": int,
        "deadline_override": str,
        "deadline_by_year": dict,
        "grace_days": int,
        "missing_date": (str, int, float),
    },
    "format": {
        "partial_penalty": _NUM,
        "coverage_weight": _NUM,
        "section_penalty": _NUM,
        "structure_error_penalty": _NUM,
        "structure_warning_penalty": _NUM,
    },
    "arithmetic": {"error_penalty": _NUM, "warning_penalty": _NUM},
    "continuity": {"error_penalty": _NUM, "warning_penalty": _NUM},
    "text_agree": {"error_penalty": _NUM, "warning_penalty": _NUM},
    "originality": {
        "copied_threshold": _NUM,
        "suspect_threshold": _NUM,
        "shingle_size": int,
        "num_perm": int,
        "compare_previous_year": bool,
        "compare_same_year_peers": bool,
    },
    "on_time_rate": {},
    "correction_rate": {},
    "refusal_share": {},
}
DEFAULT_LABELS = {
    "timeliness": "按时发布",
    "format": "格式规范",
    "arithmetic": "内部计算",
    "continuity": "跨年衔接",
    "text_agree": "文表一致",
    "originality": "原创性",
    "on_time_rate": "按时答复率",
    "correction_rate": "纠错率",
    "refusal_share": "不予公开占比",
}
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RubricError(ValueError):
    """An invalid rubric. str(e) lists every problem, one per line, in Chinese / English."""

    def __init__(self, problems: list[str], source: str = ""):
        self.problems = problems
        head = f"考核细则无效 / invalid rubric{f'（{source}）' if source else ''}："
        super().__init__(head + "\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    weight: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Grade:
    name: str
    min: float


@dataclass(frozen=True)
class Rubric:
    name: str
    indicators: tuple[Indicator, ...]
    peer_by: tuple[str, ...]
    grades: tuple[Grade, ...]
    source: str = ""

    def indicator(self, ind_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == ind_id)

    def grade_for(self, total: float | None) -> str | None:
        if total is None:
            return None
        for g in self.grades:
            if total >= g.min - 1e-9:
                return g.name
        return self.grades[-1].name


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Read a rubric file (the shipped default when path is None)."""
    path = Path(path) if path else DEFAULT_RUBRIC
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RubricError([f"找不到考核细则文件 {path} / rubric file not found: {path}"], str(path)) from None
    except UnicodeDecodeError:
        raise RubricError([f"考核细则文件须为 UTF-8 编码 / rubric file must be UTF-8: {path}"], str(path)) from None
    return parse_rubric(text, str(path))


def parse_rubric(text: str, source: str = "") -> Rubric:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RubricError([f"TOML 语法错误：{e} / TOML syntax error: {e}"], source) from None
    return validate(data, source)


def _is(value: Any, types: Any) -> bool:
    if types is _NUM or (isinstance(types, tuple) and float in types):
        if isinstance(value, bool):
            return False
    if types is int and isinstance(value, bool):
        return False
    return isinstance(value, types)


def validate(data: dict, source: str = "") -> Rubric:
    problems: list[str] = []
    meta = data.get("rubric", {})
    name = meta.get("name", "考核细则") if isinstance(meta, dict) else "考核细则"

    known_top = {"rubric", "indicators", "peer_groups", "grades"}
    for key in data:
        if key not in known_top:
            problems.append(f"未知的配置项 [{key}]（可用：{', '.join(sorted(known_top))}） / unknown section [{key}]")

    # indicators
    indicators: list[Indicator] = []
    raw_inds = data.get("indicators")
    if not isinstance(raw_inds, dict) or not raw_inds:
        problems.append("缺少 [indicators.*] 指标配置 / no [indicators.*] tables")
        raw_inds = {}
    for ind_id, cfg in raw_inds.items():
        where = f"[indicators.{ind_id}]"
        if ind_id not in INDICATOR_PARAMS:
            problems.append(
                f"{where}：未知指标「{ind_id}」，可用指标：{', '.join(INDICATOR_PARAMS)} / unknown indicator '{ind_id}'"
            )
            continue
        if not isinstance(cfg, dict):
            problems.append(f"{where}：应为表（table） / must be a table")
            continue
        weight = cfg.get("weight")
        if weight is None:
            problems.append(f"{where}：缺少权重 weight / missing 'weight'")
            weight = 0
        elif not _is(weight, _NUM):
            problems.append(f"{where}：权重 weight 应为数字，实际为「{weight!r}」 / 'weight' must be a number")
            weight = 0
        elif weight < 0:
            problems.append(f"{where}：权重 weight 不能为负数（{weight}） / 'weight' must not be negative")
        label = cfg.get("label", DEFAULT_LABELS[ind_id])
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}：label 应为非空文字 / 'label' must be a non-empty string")
            label = DEFAULT_LABELS[ind_id]
        params = {k: v for k, v in cfg.items() if k not in ("weight", "label")}
        allowed = INDICATOR_PARAMS[ind_id]
        for k, v in params.items():
            if k not in allowed:
                problems.append(
                    f"{where}：未知参数「{k}」（可用：{', '.join(allowed) or '无'}） / unknown parameter '{k}'"
                )
            elif not _is(v, allowed[k]):
                problems.append(f"{where}：参数「{k}」类型不对（{v!r}） / parameter '{k}' has the wrong type")
            elif k.endswith("_penalty") or k in ("coverage_weight",) or k.endswith("_threshold"):
                if not 0 <= v <= 1:
                    problems.append(f"{where}：参数「{k}」应在 0 到 1 之间（{v}） / '{k}' must be between 0 and 1")
        problems += _check_indicator_params(ind_id, where, params)
        indicators.append(Indicator(ind_id, label, float(weight) if _is(weight, _NUM) else 0.0, params))
    if indicators and sum(i.weight for i in indicators) <= 0:
        problems.append("所有指标权重之和须大于 0 / the weights must add up to more than 0")

    # peer groups
    peer = data.get("peer_groups", {"by": ["level", "parent"]})
    by = peer.get("by") if isinstance(peer, dict) else None
    if not isinstance(by, list) or not all(isinstance(x, str) for x in by):
        problems.append(
            "[peer_groups] by 应为字段名列表，如 [\"level\", \"parent\"] / 'by' must be a list of column names"
        )
        by = []
    for col in by:
        if col not in PEER_COLUMNS:
            problems.append(
                f"[peer_groups]：不能按「{col}」分组（可用：{', '.join(PEER_COLUMNS)}） / cannot group by '{col}'"
            )

    # grades
    grades: list[Grade] = []
    raw_grades = data.get("grades")
    if not isinstance(raw_grades, list) or not raw_grades:
        problems.append("缺少 [[grades]] 等级划分 / no [[grades]] bands")
        raw_grades = []
    for i, g in enumerate(raw_grades, 1):
        if not isinstance(g, dict) or not isinstance(g.get("name"), str) or not _is(g.get("min"), _NUM):
            problems.append(
                f"第 {i} 个 [[grades]] 须有 name（文字）和 min（数字） / grade #{i} needs 'name' and numeric 'min'"
            )
            continue
        if not 0 <= g["min"] <= 100:
            problems.append(f"等级「{g['name']}」的 min 应在 0 到 100 之间（{g['min']}） / grade min must be 0-100")
        grades.append(Grade(g["name"], float(g["min"])))
    if grades:
        mins = [g.min for g in grades]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            problems.append(
                "[[grades]] 须按 min 从高到低排列且不重复 / grades must be listed from the highest min down, without ties"
            )
        if min(mins) != 0:
            problems.append("最低一档等级的 min 须为 0，以覆盖所有分数 / the lowest grade must start at 0")
        names = [g.name for g in grades]
        if len(set(names)) != len(names):
            problems.append("[[grades]] 等级名称重复 / duplicate grade names")

    if problems:
        raise RubricError(problems, source)
    return Rubric(name, tuple(indicators), tuple(by), tuple(grades), source)


def _check_indicator_params(ind_id: str, where: str, p: dict) -> list[str]:
    out = []
    if ind_id == "timeliness":
        for k in ("department_deadline", "government_deadline", "old_deadline"):
            if isinstance(p.get(k), str) and not _MMDD.match(p[k]):
                out.append(f"{where}：「{k}」应写作 月-日，如 \"01-31\"（{p[k]!r}） / '{k}' must be MM-DD")
        ov = p.get("deadline_override")
        if isinstance(ov, str) and ov and not _DATE.match(ov):
            out.append(f"{where}：deadline_override 应写作 年-月-日，如 \"2024-02-20\" / must be YYYY-MM-DD")
        for y, d in (p.get("deadline_by_year") or {}).items():
            if not str(y).isdigit() or not isinstance(d, str) or not _DATE.match(d):
                out.append(
                    f"{where}：deadline_by_year 应为 年度 = \"年-月-日\"（{y} = {d!r}） / must map year = \"YYYY-MM-DD\""
                )
        md = p.get("missing_date")
        if isinstance(md, str) and md != "skip":
            out.append(f"{where}：missing_date 应为 \"skip\" 或 0 到 1 之间的数 / must be \"skip\" or a share 0-1")
        elif _is(md, _NUM) and not 0 <= md <= 1:
            out.append(f"{where}：missing_date 应在 0 到 1 之间 / must be between 0 and 1")
    if ind_id == "originality":
        c, s = p.get("copied_threshold", 0.8), p.get("suspect_threshold", 0.6)
        if _is(c, _NUM) and _is(s, _NUM) and s > c:
            out.append(
                f"{where}：suspect_threshold（{s}）不能高于 copied_threshold（{c}） / suspect must not exceed copied"
            )
        if _is(p.get("shingle_size", 8), int) and not 2 <= p.get("shingle_size", 8) <= 50:
            out.append(f"{where}：shingle_size 应在 2 到 50 之间 / must be 2-50")
        if _is(p.get("num_perm", 128), int) and not 16 <= p.get("num_perm", 128) <= 1024:
            out.append(f"{where}：num_perm 应在 16 到 1024 之间 / must be 16-1024")
    return out
