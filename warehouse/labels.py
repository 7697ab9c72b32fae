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
    "highlight": "突出显示",
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
    # the named queries' other columns (tests/test_labels.py: every column a query returns has a name here)
    "actual": "实际值",
    "expected": "应为",
    "agency_kind": "机关类型代码",
    "agency_short": "机构简称",
    "applicant": "申请人类型代码",
    "basis": "口径",
    "carried_in": "上年结转",
    "cells": "单元格数",
    "channel_text": "渠道（据正文）",
    "coercion_decisions": "行政强制处理决定数",
    "license_decisions": "行政许可处理决定数",
    "penalty_decisions": "行政处罚处理决定数",
    "collected_at": "采集时间",
    "copy_zh": "副本",
    "county": "县区",
    "demo_reports": "演示报告数",
    "reports": "报告数",
    "denied": "不予公开",
    "denied_rate": "不予公开比例",
    "granted": "予以公开",
    "granted_rate": "予以公开比例",
    "partial": "部分公开",
    "partial_rate": "部分公开比例",
    "unable": "无法提供",
    "unable_rate": "无法提供比例",
    "duplicate_agency": "重复的机构",
    "duplicate_of": "副本所属报告",
    "error": "说明",
    "message": "说明",
    "fate_zh": "撤并情况",
    "file_format": "文件格式",
    "file_sha256": "文件校验值",
    "first_year": "首个年度",
    "last_year": "最后年度",
    "found": "已找到",
    "kept": "保留",
    "label_zh": "名称",
    "level": "层级代码",
    "lit_corrected": "行政诉讼纠正",
    "lit_other": "行政诉讼其他结果",
    "lit_pending": "行政诉讼尚未审结",
    "lit_upheld": "行政诉讼维持",
    "lit_per_100": "每百件申请的行政诉讼",
    "review_corrected": "行政复议纠正",
    "review_other": "行政复议其他结果",
    "review_pending": "行政复议尚未审结",
    "review_upheld": "行政复议维持",
    "review_per_100": "每百件申请的行政复议",
    "list_date": "列表日期",
    "page_date": "页面日期",
    "publish_date": "发布日期",
    "publish_date_source": "日期来源",
    "locator": "原文位置",
    "meetings": "会议数",
    "metric": "指标代码",
    "n_active": "有主动公开数的报告",
    "n_errors": "错误数",
    "n_expected": "应有报告数",
    "n_failed": "解析失败",
    "n_full_time": "有专职人员数的报告",
    "n_lit_rows": "有行政诉讼数的报告",
    "n_litigation": "有行政诉讼数的报告",
    "n_marked": "已标记",
    "n_meetings": "有会议数的报告",
    "n_missing_total": "缺报总数",
    "n_ok": "已解析",
    "n_org_units": "有机构数的报告",
    "n_part_time": "有兼职人员数的报告",
    "n_partial": "部分解析",
    "n_received": "有收到申请数的报告",
    "n_review": "有行政复议数的报告",
    "n_review_rows": "有行政复议数的报告",
    "n_special_funds": "有专项经费的报告",
    "n_staff_total": "有工作人员数的报告",
    "n_training_sessions": "有培训数的报告",
    "n_years": "年数",
    "normative_in_force": "规范性文件现行有效件数",
    "normative_made": "规范性文件本年制发件数",
    "normative_public_total": "规范性文件对外公开总数",
    "normative_published": "规范性文件本年公开件数",
    "normative_repealed": "规范性文件本年废止件数",
    "rules_in_force": "规章现行有效件数",
    "rules_made": "规章本年制发件数",
    "rules_public_total": "规章对外公开总数",
    "rules_published": "规章本年公开件数",
    "rules_repealed": "规章本年废止件数",
    "ord": "序号",
    "org_units": "工作机构数",
    "parent": "上级机关",
    "parse_status": "解析状态代码",
    "parser_version": "解析程序版本",
    "place": "地区",
    "province": "省（区、市）",
    "prefecture": "地市",
    "township": "乡镇（街道）",
    "prev_active_total": "上年主动公开信息数",
    "prev_denied_share": "上年不予公开占比",
    "prev_granted_share": "上年予以公开占比",
    "prev_lit_per_100": "上年每百件申请的行政诉讼",
    "prev_lit_total": "上年行政诉讼",
    "prev_on_time_rate": "上年按时办结率",
    "prev_received": "上年收到申请",
    "prev_review_per_100": "上年每百件申请的行政复议",
    "prev_review_rate": "上年复议纠错率",
    "prev_review_total": "上年行政复议",
    "prev_staff_total": "上年工作人员",
    "raw": "原文",
    "reading_points": "政策解读",
    "received_from_text": "收到申请（据正文）",
    "scope": "范围代码",
    "section": "栏目",
    "severity": "严重程度代码",
    "source": "来源代码",
    "source_file": "文件",
    "source_url": "年报栏目网址",
    "url": "报告网址",
    "staff_text": "工作人员（据正文）",
    "template": "格式代码",
    "template_variant": "格式变体",
    "title": "标题",
    "training_attendees": "培训人次",
    "training_sessions": "培训次数",
    "unit": "单位",
}
COLUMN_ZH.update({code: zh for code, zh in APPLICANT_ZH.items() if code != "total"})  # the applicant columns
# the roster's coverage and 待匹配 (etl/roster, app/sql/roster_*.sql, match_*.sql)
COLUMN_ZH.update(
    {
        "candidates": "候选机构",
        "days_late": "逾期天数",
        "deadline": "发布期限",
        "differences": "不一致之处",
        "method": "匹配方式",
        "n": "数量",
        "n_published": "已发布年数",
        "n_roster": "名录机构数",
        "site_searched": "已查年报栏目",
        "title_agency": "标题所写机关",
        "title_agency_id": "标题所指机构",
    }
)
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
    "granted_rate",
    "partial_rate",
    "denied_rate",
    "unable_rate",
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


def cell_zh(metric: str, applicant: str | None = None, basis: str = "year", template: str | None = None) -> str:
    """A table cell as a supervisor reads it: its section, its row (in the words of the report's format when
    `template` is given), the applicant column and 历年累计 — "行政诉讼 复议后起诉·总计", never `outcome.total/total`
    nor two cells read alike. A metric the catalogue lacks keeps its code."""
    import re

    d = contract.catalogue().get(metric)
    if d is None:
        return metric
    section = re.sub(r"^[一二三四五六七八九十]+\s*", "", contract.section_in(d, template))
    section = re.sub(r"\s*\(applicant\)\s*$", "", section)
    who = f"（{APPLICANT_ZH.get(applicant, applicant)}）" if applicant else ""
    return f"{section}·{contract.label_in(d, template)}{who}" + ("（历年累计）" if basis == "cumulative" else "")
