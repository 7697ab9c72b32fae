"""The printed statistics tables of every template: section headers and value rows with their exact labels.

A PrintedTable is a list of items in printed order:
  ("section", text)                         a heading line (一、主动公开情况 / 三、收到和处理…)
  ("caption", text)                         a sub-table caption (第二十条第（一）项)
  ("header", [cells])                       a column-header row
  ("group", text, n)                        a group label spanning the next n rows (三、本年度办理结果)
  ("row", label, unit, [CellKey...])        a row of values
Labels are those the real reports print (formats.md §1–3); every one matches its spec row in etl.specs.
"""

from __future__ import annotations

from warehouse.contract import APPLICANTS


def _r(label, unit, *keys, basis=("year",)):
    return (
        "row",
        label,
        unit,
        [(k, None, b) for k in keys for b in basis] if len(keys) == 1 else [(k, None, b) for k in keys for b in basis],
    )


NATIONAL = [
    ("header", ["统计指标", "单位", "统计数"]),
    ("section", "一、主动公开情况"),
    _r("(一) 主动公开政府信息数 (不同渠道和方式公开相同信息计 1 条)", "条", "active.total"),
    _r("其中：主动公开规范性文件数", "条", "active.normative_published"),
    _r("制发规范性文件总数", "件", "active.normative_issued"),
    ("section", "(二) 通过不同渠道和方式公开政府信息的情况"),
    _r("1. 政府公报公开政府信息数", "条", "channel.gazette"),
    _r("2. 政府网站公开政府信息数", "条", "channel.website"),
    _r("3. 政务微博公开政府信息数", "条", "channel.weibo"),
    _r("4. 政务微信公开政府信息数", "条", "channel.wechat"),
    _r("5. 其他方式公开政府信息数", "条", "channel.other"),
    ("section", "二、回应解读情况"),
    _r("(一) 回应公众关注热点或重大舆情数 (不同方式回应同一热点或舆情计 1 次)", "次", "response.hotspots"),
    ("section", "(二) 通过不同渠道和方式回应解读的情况"),
    _r("1. 参加或举办新闻发布会总次数", "次", "response.press_conferences"),
    _r("其中：主要负责同志参加新闻发布会次数", "次", "response.press_conferences_head"),
    _r("2. 政府网站在线访谈次数", "次", "response.online_interviews"),
    _r("其中：主要负责同志参加政府网站在线访谈次数", "次", "response.online_interviews_head"),
    _r("3. 政策解读稿件发布数", "篇", "response.interpretations"),
    _r("4. 微博微信回应事件数", "次", "response.weibo_wechat"),
    _r("5. 其他方式回应事件数", "次", "response.other"),
    ("section", "三、依申请公开情况"),
    _r("(一) 收到申请数", "件", "request.received"),
    _r("1. 当面申请数", "件", "request.received.in_person"),
    _r("2. 传真申请数", "件", "request.received.fax"),
    _r("3. 网络申请数", "件", "request.received.online"),
    _r("4. 信函申请数", "件", "request.received.letter"),
    _r("(二) 申请办结数", "件", "request.closed"),
    _r("1. 按时办结数", "件", "request.closed.on_time"),
    _r("2. 延期办结数", "件", "request.closed.extended"),
    _r("(三) 申请答复数", "件", "request.answered"),
    _r("1. 属于已主动公开范围数", "件", "request.answered.already_public"),
    _r("2. 同意公开答复数", "件", "request.answered.granted"),
    _r("3. 同意部分公开答复数", "件", "request.answered.partial"),
    _r("4. 不同意公开答复数", "件", "request.answered.denied"),
    _r("其中：涉及国家秘密", "件", "request.answered.denied.state_secret"),
    _r("涉及商业秘密", "件", "request.answered.denied.commercial_secret"),
    _r("涉及个人隐私", "件", "request.answered.denied.privacy"),
    _r("危及国家安全、公共安全、经济安全和社会稳定", "件", "request.answered.denied.security_stability"),
    _r("不是《条例》所指政府信息", "件", "request.answered.denied.not_gov_info"),
    _r("法律法规规定的其他情形", "件", "request.answered.denied.other_law"),
    _r("5. 不属于本行政机关公开数", "件", "request.answered.not_this_agency"),
    _r("6. 申请信息不存在数", "件", "request.answered.not_exist"),
    _r("7. 告知作出更改补充数", "件", "request.answered.correction"),
    _r("8. 告知通过其他途径办理数", "件", "request.answered.other_route"),
    _r("四、行政复议数量", "件", "review.total"),
    _r("(一) 维持具体行政行为数", "件", "review.upheld"),
    _r("(二) 被依法纠错数", "件", "review.corrected"),
    _r("(三) 其他情形数", "件", "review.other"),
    _r("五、行政诉讼数量", "件", "litigation.total"),
    _r("(一) 维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation.upheld"),
    _r("(二) 被依法纠错数", "件", "litigation.corrected"),
    _r("(三) 其他情形数", "件", "litigation.other"),
    _r("六、举报投诉数量", "件", "complaints.total"),
    _r("七、依申请公开信息收取的费用", "万元", "fees.collected"),
    ("section", "八、机构建设和保障经费情况"),
    _r("(一) 政府信息公开工作专门机构数", "个", "org.units"),
    _r("(二) 设置政府信息公开查阅点数", "个", "org.reading_points"),
    _r("(三) 从事政府信息公开工作人员数", "人", "staff.total"),
    _r("1. 专职人员数（不包括政府公报及政府网站工作人员数）", "人", "staff.full_time"),
    _r("2. 兼职人员数", "人", "staff.part_time"),
    _r(
        "(四) 政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面经费）",
        "万元",
        "budget.special_funds",
    ),
    ("section", "九、政府信息公开会议和培训情况"),
    _r("(一) 召开政府信息公开工作会议或专题会议数", "次", "meetings.total"),
    _r("(二) 举办各类培训班数", "次", "training.sessions"),
    _r("(三) 接受培训人员数", "人次", "training.attendees"),
]

_BOTH = ("year", "cumulative")


def _f(label, unit, key):
    return ("row", label, unit, [(key, None, b) for b in _BOTH])


def fujian_header(year: int) -> tuple:
    return ("header", ["指标名称", "计量单位", f"{year}年度", "历年累计"])


FUJIAN2009 = [
    _f("主动公开信息数", "条", "active.total"),
    _f("其中：1.网站公开", "条", "channel.website"),
    _f("2.政府公报公开", "条", "channel.gazette"),
    _f("受理依申请公开信息总数", "条", "request.received"),
    _f("其中：1.当面申请数", "条", "request.received.in_person"),
    _f("2.传真申请数", "条", "request.received.fax"),
    _f("3.电子邮件申请数", "条", "request.received.email"),
    _f("4.网上申请数", "条", "request.received.online"),
    _f("5.信函申请数", "条", "request.received.letter"),
    _f("6.其它形式申请数", "条", "request.received.other"),
    _f("对申请的答复总数", "条", "request.answered"),
    _f("其中：1.同意公开答复数", "条", "request.answered.granted"),
    _f("2.同意部分公开答复数", "条", "request.answered.partial"),
    _f("3.否决公开答复数", "条", "request.answered.denied"),
    _f("行政复议数", "件", "review.total"),
    _f("行政诉讼数", "件", "litigation.total"),
    _f("行政申诉数", "件", "complaints.total"),
]

FUJIAN2014 = [
    _f("主动公开文件数", "条", "active.total"),
    _f("其中：1、政府网站公开数", "条", "channel.website"),
    _f("2、政府公报公开数", "条", "channel.gazette"),
    _f("受理依申请公开信息总数", "条", "request.received"),
    _f("其中：1、当面申请数", "条", "request.received.in_person"),
    _f("2、网上申请数", "条", "request.received.online"),
    _f("3、信函、传真申请数", "条", "request.received.letter"),
    _f("对申请的答复总数", "条", "request.answered"),
    _f("其中：1、同意公开答复数", "条", "request.answered.granted"),
    _f("2、同意部分公开答复数", "条", "request.answered.partial"),
    _f("3、不予公开答复数", "条", "request.answered.denied"),
    _f("4、其他类型答复数", "条", "request.answered.other"),
    _f("政府信息公开收费减免金额", "元", "fees.collected"),
    _f("接受行政诉讼、举报数", "件", "complaints.total"),
    _f("行政复议数", "件", "review.total"),
    _f("行政诉讼数", "件", "litigation.total"),
]


def _m(label, *keys):
    return ("row", label, None, [(k, None, "year") for k in keys])


def _a(label, key):
    return ("row", label, None, [(key, a, "year") for a in APPLICANTS])


S2_2019 = [
    ("section", "二、主动公开政府信息情况"),
    ("caption", "第二十条第（一）项"),
    ("header", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]),
    _m("规章", "rules.made", "rules.published", "rules.public_total"),
    _m("规范性文件", "normative.made", "normative.published", "normative.public_total"),
    ("caption", "第二十条第（五）项"),
    ("header", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]),
    _m("行政许可", "license.prev_items", "license.change", "license.decisions"),
    _m("其他对外管理服务事项", "admin_service.prev_items", "admin_service.change", "admin_service.decisions"),
    ("caption", "第二十条第（六）项"),
    ("header", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]),
    _m("行政处罚", "penalty.prev_items", "penalty.change", "penalty.decisions"),
    _m("行政强制", "coercion.prev_items", "coercion.change", "coercion.decisions"),
    ("caption", "第二十条第（八）项"),
    ("header", ["信息内容", "上一年项目数量", "本年增/减"]),
    _m("行政事业性收费", "admin_fees.prev_items", "admin_fees.change"),
    ("caption", "第二十条第（九）项"),
    ("header", ["信息内容", "采购项目数量", "采购总金额"]),
    _m("政府集中采购", "procurement.projects", "procurement.amount"),
]

S2_2021 = [
    ("section", "二、主动公开政府信息情况"),
    ("caption", "第二十条第（一）项"),
    ("header", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
    _m("规章", "rules.made", "rules.repealed", "rules.in_force"),
    _m("行政规范性文件", "normative.made", "normative.repealed", "normative.in_force"),
    ("caption", "第二十条第（五）项"),
    ("header", ["信息内容", "本年处理决定数量"]),
    _m("行政许可", "license.decisions"),
    ("caption", "第二十条第（六）项"),
    ("header", ["信息内容", "本年处理决定数量"]),
    _m("行政处罚", "penalty.decisions"),
    _m("行政强制", "coercion.decisions"),
    ("caption", "第二十条第（八）项"),
    ("header", ["信息内容", "本年收费金额（单位：万元）"]),
    _m("行政事业性收费", "admin_fees.amount"),
]

S3_HEAD = ("section", "三、收到和处理政府信息公开申请情况")
S3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3_PARTIES = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _s3(other):
    return [
        _a("一、本年新收政府信息公开申请数量", "request.new"),
        _a("二、上年结转政府信息公开申请数量", "request.carried_in"),
        ("group", "三、本年度办理结果", 19 + sum(1 for o in other if o[0] == "row")),
        _a("（一）予以公开", "outcome.granted"),
        _a("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "outcome.partial"),
        ("group", "（三）不予公开", 8),
        _a("1.属于国家秘密", "outcome.denied.state_secret"),
        _a("2.其他法律行政法规禁止公开", "outcome.denied.law_forbidden"),
        _a("3.危及“三安全一稳定”", "outcome.denied.security_stability"),
        _a("4.保护第三方合法权益", "outcome.denied.third_party"),
        _a("5.属于三类内部事务信息", "outcome.denied.internal_affairs"),
        _a("6.属于四类过程性信息", "outcome.denied.process_info"),
        _a("7.属于行政执法案卷", "outcome.denied.enforcement_file"),
        _a("8.属于行政查询事项", "outcome.denied.query_matter"),
        ("group", "（四）无法提供", 3),
        _a("1.本机关不掌握相关政府信息", "outcome.unable.not_held"),
        _a("2.没有现成信息需要另行制作", "outcome.unable.needs_creation"),
        _a("3.补正后申请内容仍不明确", "outcome.unable.unclear"),
        ("group", "（五）不予处理", 5),
        _a("1.信访举报投诉类申请", "outcome.unprocessed.petition"),
        _a("2.重复申请", "outcome.unprocessed.repeat"),
        _a("3.要求提供公开出版物", "outcome.unprocessed.publication"),
        _a("4.无正当理由大量反复申请", "outcome.unprocessed.excessive"),
        _a("5.要求行政机关确认或重新出具已获取信息", "outcome.unprocessed.confirmation"),
        *other,
        _a("（七）总计", "outcome.total"),
        _a("四、结转下年度继续办理", "request.carried_out"),
    ]


S3_2019 = _s3([_a("（六）其他处理", "outcome.other")])
S3_2021 = _s3(
    [
        ("group", "（六）其他处理", 3),
        _a("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "outcome.other.no_correction"),
        _a("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "outcome.other.no_fee"),
        _a("3.其他", "outcome.other.other"),
    ]
)

S4_HEAD = ("section", "四、政府信息公开行政复议、行政诉讼情况")
S4_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
S4_ROW = (
    "row",
    "",
    None,
    [
        (f"{g}.{r}", None, "year")
        for g in ("review", "litigation_direct", "litigation_after_review")
        for r in ("upheld", "corrected", "other", "pending", "total")
    ],
)

# some 2021-format reports still print （六）其他处理 as one row, as the 2019 format did
S3_2021_ONE_ROW = _s3([_a("（六）其他处理", "outcome.other")])
OTHER_SUBROWS = ("outcome.other.no_correction", "outcome.other.no_fee", "outcome.other.other")

TABLES = {
    "national": NATIONAL,
    "fujian2009": FUJIAN2009,
    "fujian2014": FUJIAN2014,
    "2019": (S2_2019, S3_2019),
    "2021": (S2_2021, S3_2021),
    "2021_one_row": (S2_2021, S3_2021_ONE_ROW),
}


def value_rows(spec_name: str) -> list[tuple]:
    t = TABLES[spec_name]
    items = t if isinstance(t, list) else [*t[0], *t[1], S4_ROW]
    return [i for i in items if i[0] == "row"]
