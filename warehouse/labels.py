"""The dashboard's one vocabulary: every code the warehouse stores (level, kind, template, scope, parse status,
applicant column, check rule and severity) with the Chinese a user reads, read from warehouse/vocabulary.csv — the rows
the build writes into the warehouse as its `labels` table, which the dashboard's SQL joins. Pages, charts, exports
and the scorecard take their labels from here or from those joins; codes appear only as a secondary column
(规则编号)."""

from __future__ import annotations

from warehouse import contract

_V = contract.vocabulary()  # warehouse/vocabulary.csv: the same rows the warehouse's `labels` table holds
LEVEL_ZH = {k: v for k, v in _V["level"].items() if k != "unknown"}
LEVEL_ORDER = list(LEVEL_ZH)
KIND_ZH = {k: v for k, v in _V["agency_kind"].items() if k != "unknown"}
TEMPLATE_ZH = _V["template"]
VARIANT_ZH = _V["template_variant"]
SCOPE_ZH = _V["scope"]
STATUS_ZH = _V["parse_status"]
CHECK_STATUS_ZH = _V["check_status"]
SEVERITY_ZH = _V["severity"]
SOURCE_ZH = _V["source"]
BASIS_ZH = _V["basis"]
APPLICANT_ZH = contract.APPLICANT_ZH  # the applicant columns as the contract names them
RULE_ZH = _V["rule"]  # check rule id (docs/formats.md §7) -> its short Chinese name
_RULE_FAMILY_ZH = _V["rule_family"]


def rule_zh(rule: str | None) -> str:
    """A rule's Chinese name; an id not in the catalogue keeps its family's name (“跨年衔接” …) rather than English
    (the dashboard's SQL reads the same names from the warehouse's `labels` table)."""
    if rule is None:
        return "—"
    if rule in RULE_ZH:
        return RULE_ZH[rule]
    return _RULE_FAMILY_ZH.get(rule.split(".", 1)[0], _RULE_FAMILY_ZH["other"])


# column -> its Chinese name in downloads (CSV, Excel) and tables
COLUMN_ZH = {
    "label": "机构",
    "agency_name": "机构",
    "agency": "机构全称",
    "year": "年度",
    "level_zh": "层级",
    "kind_zh": "机关类型",
    "scope_zh": "范围",
    "template_zh": "格式",
    "status_zh": "状态",
    "kind": "类别",
    "category": "类别",
    "result": "结果",
    "item": "事项",
    "measure": "指标",
    "applicant_zh": "申请人类型",
    "source_zh": "来源",
    "value": "数值",
    "total": "总计",
    "n_reports": "报告数",
    "n_counted": "计入报告数",
    "n_agencies": "机构数",
    "status": "状态",
    "scopes": "范围",
    "n_failed_checks": "未通过核对项",
    "n_fail": "未通过",
    "n_pass": "通过",
    "n_skipped": "未核对",
    "rule": "规则编号",
    "rule_zh": "规则",
    "severity_zh": "严重程度",
    "active_total": "主动公开信息数",
    "received": "收到申请",
    "review_total": "行政复议",
    "litigation_total": "行政诉讼",
    "lit_total": "行政诉讼",
    "upheld": "维持",
    "corrected": "纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "answered": "答复总数",
    "closed": "办结",
    "on_time": "按时办结",
    "gazette": "政府公报",
    "website": "政府网站",
    "weibo": "政务微博",
    "wechat": "政务微信",
    "channel_other": "其他渠道",
    "staff_total": "工作人员",
    "full_time": "专职人员",
    "part_time": "兼职人员",
    "special_funds": "专项经费（万元）",
    "rank": "名次",
    "percentile": "百分位",
    "median": "中位数",
    "q1": "下四分位数",
    "q3": "上四分位数",
    "change": "较上年增减",
    "prev": "上年",
    "cur": "本年",
    "jump": "异常变动",
    "per_request": "每件申请",
    "missing": "缺报年度",
    "n_missing": "缺报年数",
    "correction_rate": "纠错率",
    "on_time_rate": "按时办结率",
    "rate": "比率",
    "share": "占比",
    "review_rate": "复议纠错率",
    "lit_rate": "诉讼纠错率",
    "change_rate": "较上年变化率",
    "granted_share": "予以公开占比",
    "denied_share": "不予公开占比",
}
# ratio columns (0–1): downloads give them as percentages
RATE_COLUMNS = {
    "correction_rate",
    "on_time_rate",
    "rate",
    "share",
    "review_rate",
    "lit_rate",
    "change_rate",
    "percentile",
    "granted_share",
    "denied_share",
}

# the 通报 and 整改 (app/brief, audit/rectify.py): an agency's standing for a year, the kinds of problem it names,
# a 整改项's state and what the latest build found
COVERAGE_ZH = _V["coverage_status"]
PROBLEM_ZH = _V["problem_kind"]
RECTIFY_ZH = _V["rectify_state"]
RECHECK_ZH = _V["recheck"]
REQUIREMENT_ZH = _V["rectify_requirement"]  # the 整改要求 a 通报 and a 整改项 state for each kind of problem
PEER_ZH = _V["peer_column"]  # the report columns a rubric's peer groups may be formed by
