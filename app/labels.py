"""The dashboard's one vocabulary: every code the warehouse stores (level, kind, template, scope, parse status,
applicant column, check rule and severity) with the Chinese a user reads. Pages, charts and exports take their
labels from here; codes appear only as a secondary column (规则编号)."""

from __future__ import annotations

from warehouse import contract

LEVEL_ORDER = ["national", "province", "prefecture", "county", "township"]
LEVEL_ZH = {
    "national": "国家",
    "province": "省级",
    "prefecture": "地市级",
    "county": "县级",
    "township": "乡镇（街道）",
}
KIND_ZH = {"government": "政府", "department": "部门"}
TEMPLATE_ZH = {"old": "旧格式（2018年及以前）", "2019": "2019年格式", "2021": "2021年格式", "unknown": "未识别"}
VARIANT_ZH = {
    "national": "全国统一表式",
    "fujian": "福建地方表式（本年度/历年累计）",
    "narrative": "无统计表（仅正文）",
}
SCOPE_ZH = {"self": "本级", "aggregate": "汇总"}
STATUS_ZH = {"ok": "已解析", "partial": "部分解析", "failed": "解析失败"}
CHECK_STATUS_ZH = {"pass": "通过", "fail": "未通过", "skipped": "未核对"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SOURCE_ZH = {"table": "表格", "text": "据正文", "manual": "人工更正"}
BASIS_ZH = {"year": "本年度", "cumulative": "历年累计"}
APPLICANT_ZH = contract.APPLICANT_ZH  # the applicant columns as the contract names them

# check rule id (docs/formats.md §7) -> its short Chinese name
RULE_ZH = {
    "old.active.channels_max": "主动公开不少于单一渠道",
    "old.active.channels_sum": "主动公开不超过各渠道之和",
    "old.active.breakdown": "主动公开分项不超过总数",
    "old.request.received_sum": "收到申请＝各渠道之和",
    "old.request.closed_sum": "办结＝按时＋延期",
    "old.request.answered_sum": "答复＝各类答复之和",
    "old.request.denied_sum": "不予公开＝各项理由之和",
    "old.request.closed_le_received": "办结不超过收到申请",
    "old.review.sum": "行政复议＝各项结果之和",
    "old.litigation.sum": "行政诉讼＝各项结果之和",
    "old.staff.sum": "工作人员＝专职＋兼职",
    "old.cumulative.chain": "历年累计衔接",
    "old.cumulative.ge_year": "历年累计不少于本年度",
    "apply.balance": "申请收支平衡",
    "apply.outcome_sum": "办理结果合计",
    "apply.applicant_sum": "各类申请人合计",
    "review.sum": "行政复议合计",
    "litigation_direct.sum": "直接起诉合计",
    "litigation_after_review.sum": "复议后起诉合计",
    "nonnegative": "计数不为负",
    "active.published_le_total": "新公开不超过公开总数",
    "xyear.carry_over": "上年结转衔接",
    "xyear.in_force": "现行有效件数衔接",
    "xyear.prev_items": "上一年项目数量衔接",
    "xyear.public_total": "对外公开总数衔接",
    "text.table_agree": "文表一致",
    "duplicate.agree": "重复副本一致",
}


def rule_zh(rule: str | None) -> str:
    """A rule's Chinese name; an id not in the catalogue keeps its family's name (“跨年衔接” …) rather than English."""
    if rule is None:
        return "—"
    if rule in RULE_ZH:
        return RULE_ZH[rule]
    family = {
        "xyear": "跨年衔接",
        "text": "文表一致",
        "old": "旧格式勾稽关系",
        "apply": "申请勾稽关系",
        "duplicate": "重复副本一致",
    }
    return family.get(rule.split(".", 1)[0], "其他核对")


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
