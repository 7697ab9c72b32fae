"""The site around a report, told from the report's own lines in a page's text (a text capture, or the text an HTML
page yields): breadcrumbs (当前位置, 首页 > …), date lines with 星期, 发布时间/来源/分享/字号/点击 blocks, index
tables (索引号, 发布机构 …), menus and accessibility bars (无障碍, 简体版, 配色 …), 热搜词 lines; and the reading
aids some mirrors insert, pinyin after a character ("報(bào)告").

A line of the site is never part of a name: `opening_lines` gives the report's lines without them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from warehouse.text import nfkc

# a whole line of the site: what it starts with or consists of
_SITE_LINE = re.compile(
    r"^\W*(?:\d+\.\s*)?(?:"
    r"(?:您)?当前(?:的)?位置|当前栏目|首页\s*[>/»]|热搜词|搜索|登录|注册|无障碍|长者模式|适老化|简体|繁体|English|EN$|"
    r"页面$|配色$|辅助线$|重置$|微信$|微博|头条$|打印|关闭|分享|字号|字体|【\s*字体|点击(?:数|率)|浏览次数|访问量|"
    r"索\s*引\s*号|发布机构|主题分类|成文日期|发文(?:日期|字号)|文\s*号|有\s*效\s*性|名\s*称\s|来\s*源\s|"
    r"温度|天气|今天是|[-—•·|]+$|"
    r"(?:发布|更新)(?:时间|日期)|日期\s*[:：]|时间\s*[:：]|来源\s*[:：]|信息来源|"
    r"中央政府门户网站|退出老年人模式|智能问答|网站(?:首页|地图|声明)|个人中心"
    r")",
    re.IGNORECASE,
)
# a line that is only a date or time (2021-03-2918:26, 2019年12月3日星期二, ----年--月-日 星期-)
_DATE_LINE = re.compile(
    r"^[\s|]*(?:[\u4e00-\u9fff]{2,24}\s*)?"
    r"(?:(?:19|20)\d{2}|-+)\s*[-年/.]\s*(?:\d{1,2}|-+)\s*[-月/.]\s*(?:\d{1,2}|-+)\s*日?"
    r"[\d:\s]*(?:星期.)?[\s|]*$"
)
_WEEKDAY = re.compile(r"星期[一二三四五六日天-]")
_SEPARATOR = re.compile(r">>?|»|›|\s/|/\s")  # between the steps of a breadcrumb
_DATE_FIRST = re.compile(r"^(?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?[\s\d:]*(?:来源|发布|作者|\|)")
_PINYIN = re.compile(
    r"\((?=[a-z\u00e0-\u00fc\u0101-\u01dc]*[\u00e0-\u00fc\u0101-\u01dc])[a-z\u00e0-\u00fc\u0101-\u01dc]{1,7}\)"
)


def without_pinyin(text: str) -> str:
    """ "報(bào)告" -> "報告": the pinyin some mirrors print after a character."""
    return _PINYIN.sub("", text) if "(" in text else text


_MENU_ITEM = re.compile(r"^[•·\-|]")


def site_line(line: str) -> bool:
    """Whether a line is the site's, not the report's."""
    # a site's lines (menus, breadcrumbs, date lines) recur on every page of it: short ones are remembered
    return _site_line_short(line) if len(line) <= 200 else _site_line(line)


def _site_line(line: str) -> bool:
    s = nfkc(line).strip()
    if not s:
        return False
    if _MENU_ITEM.match(s) and len(s) < 24 or s.endswith("正文") and len(s) < 30:
        return True
    if _SITE_LINE.match(s) or _DATE_LINE.match(s) or _DATE_FIRST.match(s):
        return True
    if _WEEKDAY.search(s) and len(s) < 40:
        return True
    return len(s) < 120 and len(_SEPARATOR.findall(s)) >= 2


_site_line_short = lru_cache(maxsize=65536)(_site_line)


def opening_lines(lines: list[str], limit: int = 40, most: int | None = None) -> list[str]:
    """The report's own non-empty lines among the first `limit` of a page, pinyin aids dropped (the first `most`
    of them where given)."""
    out = []
    for ln in lines[:limit]:
        ln = without_pinyin(ln).strip()
        if ln and not site_line(ln):
            out.append(ln)
            if len(out) == most:
                break
    return out
