"""Places and agencies as the whole country prints them in report titles.

The titles below are as published by agencies of twenty provinces (each line is the report's own title, or the
name its opening gives, with the year); the expected places are the national gazetteer's (etl/gazetteer).
"""

from __future__ import annotations

import duckdb
import pytest
from conftest import CORPUS, need_corpus

from etl.extract.metadata import read_metadata
from etl.gazetteer import AMBIGUOUS, gazetteer
from etl.model import Document

# title as printed -> level, kind, province, prefecture, county, township
TITLES = [
    ("盐城市人民政府2021年政府信息公开工作年度报告", "prefecture", "government", "江苏省", "盐城市", None, None),
    ("淮安市人民政府办公室2022年政府信息公开工作年度报告", "prefecture", "department", "江苏省", "淮安市", None, None),
    ("淮安工业园区2021年政府信息公开工作年度报告", "county", "government", "江苏省", "淮安市", "淮安工业园区", None),
    ("江蘇省2020年政府信息公開工作年度報告", "province", "government", "江苏省", None, None, None),
    ("泰州市人民政府2017年政府信息公开工作年度报告", "prefecture", "government", "江苏省", "泰州市", None, None),
    ("2022年上海市政府信息公开工作年度报告", "province", "government", "上海市", None, None, None),
    ("四川省财政厅2020年政府信息公开工作年度报告", "province", "department", "四川省", None, None, None),
    ("平武县统计局2021年政府信息公开工作年度报告", "county", "department", "四川省", "绵阳市", "平武县", None),
    ("贵州省财政厅2025年政府信息公开工作年度报告", "province", "department", "贵州省", None, None, None),
    (
        "镇宁自治县政府2019年信息公开工作年度报告",
        "county",
        "government",
        "贵州省",
        "安顺市",
        "镇宁布依族苗族自治县",
        None,
    ),
    ("桐梓县人民政府2019年政府信息公开工作年度报告", "county", "government", "贵州省", "遵义市", "桐梓县", None),
    ("黄平县2019年政府信息公开工作年度报告", "county", "government", "贵州省", "黔东南苗族侗族自治州", "黄平县", None),
    ("遼寧省財政廳2012年度政府信息公開工作報告", "province", "department", "辽宁省", None, None, None),
    ("济宁市兖州区财政局2025年政府信息公开工作年度报告", "county", "department", "山东省", "济宁市", "兖州区", None),
    ("2011年陕西省财政厅政府信息公开工作年度报告", "province", "department", "陕西省", None, None, None),
    (
        "柞水縣鳳凰鎮人民政府2021年政府信息公開工作年度報告",
        "township",
        "government",
        "陕西省",
        "商洛市",
        "柞水县",
        "凤凰镇",
    ),
    (
        "重庆市九龙坡区二郎街道办事处2022年政府信息公开工作年度报告",
        "township",
        "government",
        "重庆市",
        None,
        "九龙坡区",
        "二郎街道",
    ),
    (
        "鄂托克旗人民政府2020年政府信息公开工作年度报告",
        "county",
        "government",
        "内蒙古自治区",
        "鄂尔多斯市",
        "鄂托克旗",
        None,
    ),
    (
        "新巴尔虎左旗2020年政府信息公开工作年度报告",
        "county",
        "government",
        "内蒙古自治区",
        "呼伦贝尔市",
        "新巴尔虎左旗",
        None,
    ),
    (
        "乌兰察布市区域经济合作局2020年度政府信息公开工作年度报告",
        "prefecture",
        "department",
        "内蒙古自治区",
        "乌兰察布市",
        None,
        None,
    ),
    ("乌兰浩特市2020年政府信息公开工作年度报告", "county", "government", "内蒙古自治区", "兴安盟", "乌兰浩特市", None),
    ("清水县人民政府2019年政府信息公开工作年度报告", "county", "government", "甘肃省", "天水市", "清水县", None),
    ("绥宁县人民政府2019年政府信息公开工作年度报告", "county", "government", "湖南省", "邵阳市", "绥宁县", None),
    ("桦南县2019年政府信息公开工作年度报告", "county", "government", "黑龙江省", "佳木斯市", "桦南县", None),
    (
        "南宁经济技术开发区管理委员会2021年政府信息公开工作年度报告",
        "county",
        "government",
        "广西壮族自治区",
        "南宁市",
        "南宁经济技术开发区",
        None,
    ),
    (
        "银川经济技术开发区管理委员会2021年政府信息公开年度报告",
        "county",
        "government",
        "宁夏回族自治区",
        "银川市",
        "银川经济技术开发区",
        None,
    ),
    (
        "伊犁哈萨克自治州人民政府办公厅2012年政府信息公开工作年度报告",
        "prefecture",
        "department",
        "新疆维吾尔自治区",
        "伊犁哈萨克自治州",
        None,
        None,
    ),
    ("丽水市2017年政府信息公开工作年度报告", "prefecture", "government", "浙江省", "丽水市", None, None),
    (
        "来凤县政务服务和大数据管理局2021年政府信息公开工作年度报告",
        "county",
        "department",
        "湖北省",
        "恩施土家族苗族自治州",
        "来凤县",
        None,
    ),
    ("河南省发展和改革委员会2022年政府信息公开工作年度报告", "province", "department", "河南省", None, None, None),
    ("郑州市人民政府2020年政府信息公开工作年度报告", "prefecture", "government", "河南省", "郑州市", None, None),
    ("周口市2020年政府信息公开工作年度报告", "prefecture", "government", "河南省", "周口市", None, None),
    ("河北省2020年政府信息公开工作年度报告", "province", "government", "河北省", None, None, None),
    ("广东省人民政府2024年政府信息公开工作年度报告", "province", "government", "广东省", None, None, None),
    ("广州市人民政府办公厅2024年政府信息公开工作年度报告", "prefecture", "department", "广东省", "广州市", None, None),
    # the forms of issue 13: province first, prefecture first, a county-level city
    ("江苏省淮安市人民政府2021年政府信息公开工作年度报告", "prefecture", "government", "江苏省", "淮安市", None, None),
    (
        "陕西省延安市子长市人民政府2021年政府信息公开工作年度报告",
        "county",
        "government",
        "陕西省",
        "延安市",
        "子长市",
        None,
    ),
    (
        "江苏省淮安市洪泽区人民政府2021年政府信息公开工作年度报告",
        "county",
        "government",
        "江苏省",
        "淮安市",
        "洪泽区",
        None,
    ),
    ("淮安市洪泽区财政局2021年政府信息公开工作年度报告", "county", "department", "江苏省", "淮安市", "洪泽区", None),
    (
        "锡林郭勒盟行政公署2020年政府信息公开工作年度报告",
        "prefecture",
        "government",
        "内蒙古自治区",
        "锡林郭勒盟",
        None,
        None,
    ),
    ("北京市东城区人民政府2020年政府信息公开工作年度报告", "county", "government", "北京市", None, "东城区", None),
]


@pytest.mark.parametrize(
    "title, level, kind, province, prefecture, county, township", TITLES, ids=[t[0][:12] for t in TITLES]
)
def test_titles_from_across_the_country(title, level, kind, province, prefecture, county, township):
    m = read_metadata(Document(title + "\n"))
    assert (m.level, m.agency_kind, m.province, m.prefecture, m.county, m.township) == (
        level,
        kind,
        province,
        prefecture,
        county,
        township,
    )


def test_twenty_provinces_and_every_level():
    assert len({t[3] for t in TITLES}) >= 20
    assert {(t[1], t[2]) for t in TITLES} >= {
        (lv, k) for lv in ("province", "prefecture", "county") for k in ("government", "department")
    } | {("township", "government")}


@pytest.mark.parametrize(
    "titles",
    [
        ["洪泽区人民政府", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府", "洪泽县人民政府"],  # 县→区 in 2016
        ["子长县人民政府", "延安市子长市人民政府", "陕西省延安市子长市人民政府"],  # 县→县级市 in 2019
        ["杭州市下城区人民政府", "杭州市拱墅区人民政府"],  # merged in 2021
        ["襄樊市人民政府", "襄阳市人民政府", "湖北省襄阳市人民政府"],  # renamed in 2010
        ["镇宁自治县人民政府", "镇宁布依族苗族自治县人民政府"],
    ],
)
def test_one_agency_whatever_the_title_form(titles):
    ids = {read_metadata(Document(f"{t}2020年政府信息公开工作年度报告\n")).agency_id for t in titles}
    assert len(ids) == 1, ids


def test_the_printed_name_is_kept_as_the_short_name():
    m = read_metadata(Document("洪泽县人民政府2015年政府信息公开工作年度报告\n"))
    assert (m.agency_short, m.county, m.agency_id) == ("洪泽县", "洪泽区", "江苏省/淮安市/洪泽区")


def test_a_county_name_several_provinces_share_is_left_unplaced_unless_its_prefix_tells():
    bare = read_metadata(Document("鼓楼区人民政府2020年政府信息公开工作年度报告\n"))
    assert (bare.level, bare.province, bare.prefecture) == ("county", None, None)
    for prefix, province in (("南京市", "江苏省"), ("福州市", "福建省"), ("开封市", "河南省")):
        m = read_metadata(Document(f"{prefix}鼓楼区人民政府2020年政府信息公开工作年度报告\n"))
        assert (m.level, m.province, m.prefecture, m.county) == ("county", province, prefix, "鼓楼区")


def test_a_retired_name_another_place_still_bears_is_ambiguous():
    g = gazetteer(())
    assert g.find("清河区", None)[0] is AMBIGUOUS  # 铁岭市 today, 淮安市 until 2016
    huaian, _ = g.find("淮安市", None)
    assert g.find("清河区", huaian)[0].name == "清江浦区"


def test_places_no_gazetteer_knows_are_levelled_by_their_suffix():
    m = read_metadata(Document("演示澜桐省演示禾岚市演示溪栎县人民政府2020年政府信息公开工作年度报告\n"))
    assert (m.level, m.province, m.prefecture, m.county) == ("county", "演示澜桐省", "演示禾岚市", "演示溪栎县")


def test_the_gazetteer_has_every_level_with_its_code():
    g = gazetteer(())
    for name, level, code in (
        ("江苏省", "province", "32"),
        ("淮安市", "prefecture", "3208"),
        ("洪泽区", "county", "320813"),
        ("兴泾镇", None, None),
    ):
        place, n = g.find(name, None)
        if level is None:  # a bare township name is found only under its county
            assert place is None
        else:
            assert (place.level, place.code, n) == (level, code, len(name))
    xixia, _ = g.find("西夏区", None)
    assert g.find("兴泾镇", xixia)[0].code == "640105100"


def test_a_district_retitled_between_years_keeps_one_agency_and_its_cross_year_rules(tmp_path):
    """Pingtan's 2019 and 2020 reports retitled as one district's: bare in 2019, prefecture-prefixed in 2020."""
    need_corpus()
    from etl.build import build

    for year, title in ((2019, "洪泽区人民政府"), (2020, "淮安市洪泽区人民政府")):
        src = CORPUS / f"{year}_pingtan-syq_2019.txt"
        text = src.read_text(encoding="utf-8").replace(f"标题: 平潭综合实验区{year}", f"标题: {title}{year}", 1)
        (tmp_path / src.name).write_text(text, encoding="utf-8")
    out = tmp_path / "wh"
    build([str(tmp_path)], out, progress=False)
    con = duckdb.connect()
    reports = con.execute(
        f"SELECT year, agency, agency_id, level, province, prefecture, county "
        f"FROM read_parquet('{out}/reports.parquet') ORDER BY year"
    ).fetchall()
    assert reports == [
        (2019, "洪泽区人民政府", "江苏省/淮安市/洪泽区", "county", "江苏省", "淮安市", "洪泽区"),
        (2020, "淮安市洪泽区人民政府", "江苏省/淮安市/洪泽区", "county", "江苏省", "淮安市", "洪泽区"),
    ]
    xyear = con.execute(
        f"SELECT c.rule, c.status, count(*) FROM read_parquet('{out}/checks.parquet') c "
        f"JOIN read_parquet('{out}/reports.parquet') r USING (report_id) "
        f"WHERE r.year = 2020 AND c.rule LIKE 'xyear.%' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    # 2019's 结转下年度继续办理 is 2020's 上年结转 in each of the seven applicant columns; 上一年项目数量 of the four
    # 二 rows the .txt splits (the golden notes: R8 holds)
    assert xyear == [("xyear.carry_over", "pass", 7), ("xyear.prev_items", "pass", 4)]
