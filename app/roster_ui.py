"""The roster on the pages: the 待匹配 queue of the 审核 page (a reviewer says which roster agency a report is) and
the 机构名录 page of a 管理 user (import a CSV or Excel file, download the roster or a draft for a region, edit one
agency). Thin over audit/roster.py (storage, permissions, audit log) and etl/roster (reading and drafting)."""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa
import streamlit as st

from app import audit_ui, queries, ui, warehouse
from audit import roster as audit_roster
from audit import store
from audit.roles import User
from etl.roster import draft
from etl.roster.read import HEADERS, RosterError, parse_rows, read_roster
from warehouse.contract import vocabulary
from warehouse.labels import LEVEL_ZH

MAX_UPLOAD_MB = 50
KIND_ZH = vocabulary()["roster_kind"]


def _label(a: audit_roster.RosterAgency) -> str:
    where = " ".join(p for p in (a.province, a.prefecture, a.county) if p)
    return f"{a.name}（{where or '地区未知'}）"


def match_queue(eng: sa.Engine, user: User) -> None:
    """The reports the rules could not match to one roster agency; a reviewer of the region picks the agency."""
    queue = queries.run("match_queue")
    if user.province:
        queue = queue.filter(pl.col("province").is_null() | (pl.col("province") == user.province))
    roster = audit_roster.agencies(eng)
    if not roster and queue.is_empty():
        st.info("尚未导入机构名录：导入后（“机构名录”页，需“管理”权限），每份报告都会与名录中的机构匹配。")
        return
    if flash := st.session_state.pop("match_flash", None):
        st.success(flash)
    if queue.is_empty():
        st.success("没有待匹配的报告：每份报告都已对应到名录中的一家机构。")
    else:
        st.caption(
            f"{queue.height} 份报告无法按名称、别名、地区和来源网站唯一对应到名录中的机构。请选择对应的机构；"
            "确认按报告文件内容保存，每次重建数据仓库都会应用。名录中没有的机构，请管理员在“机构名录”页添加。"
        )
        names = {a.agency_id: a.name for a in roster}
        ui.dataframe(
            queue.select(
                pl.col("agency").alias("标题中的机构"),
                pl.col("year").alias("年度"),
                pl.col("status_zh").alias("状态"),
                pl.Series(
                    "候选机构",
                    ["、".join(names.get(x, x) for x in (c or "").split("；") if x) for c in queue["candidates"]],
                    dtype=pl.String,
                ),
                pl.col("source_file").alias("文件"),
            ),
            hide_index=True,
            width="stretch",
        )
        by_id = {a.agency_id: a for a in roster}
        rows = {r["report_id"]: r for r in queue.iter_rows(named=True)}
        rid = st.selectbox(
            "报告",
            list(rows),
            format_func=lambda r: f"{rows[r]['agency']} {rows[r]['year'] or ''}（{rows[r]['status_zh']}）",
            key="match_report",
        )
        r = rows[rid]
        suggested = [c for c in (r["candidates"] or "").split("；") if c in by_id]
        mine = [a.agency_id for a in roster if user.covers(a.province, a.prefecture)]
        choices = list(dict.fromkeys(suggested + mine))
        with st.form("match_decide"):
            aid = st.selectbox(
                "对应的名录机构（建议的候选在前）",
                choices,
                format_func=lambda a: ("★ " if a in suggested else "") + _label(by_id[a]),
                index=0 if suggested else None,
                placeholder="选择机构",
                key="match_agency",
            )
            note = st.text_input("说明", placeholder="如：报告落款为清水河县城关镇人民政府", key="match_note")
            go = st.form_submit_button("确认匹配", type="primary")
        if go:
            if aid is None:
                st.error("请选择对应的机构。")
            else:
                report = audit_ui.report_of(r)
                held = audit_roster.match_of(eng, r["file_sha256"])
                try:
                    audit_roster.decide_match(eng, user, report, by_id[aid], note, held["version"] if held else 0)
                except store.AuditError as e:
                    st.error(str(e))
                else:
                    st.session_state["match_flash"] = (
                        f"已保存：{r['agency']} {r['year'] or ''} → {by_id[aid].name}；重建数据仓库后生效。"
                    )
                    st.rerun()
    names = {a.agency_id: a.name for a in roster}
    if user.may_administer and not queue.is_empty():
        st.page_link("pages/roster.py", label="名录中没有这家机构：到“机构名录”页新增", icon=":material/add:")
    diffs = queries.run("match_differences")
    if not diffs.is_empty():
        st.markdown(f"**标题与名录不一致**（{diffs.height} 份；数据仓库已按名录的层级、类型和地区统计）")
        ui.dataframe(
            diffs.select(
                pl.col("title_agency").alias("标题中的机构"),
                pl.col("year").alias("年度"),
                pl.col("agency_id").replace_strict(names, default=pl.col("agency_id")).alias("名录机构"),
                pl.col("differences").alias("不一致之处"),
            ),
            hide_index=True,
            width="stretch",
        )


def _roster_frame(roster: list[audit_roster.RosterAgency]) -> pl.DataFrame:
    """The roster as its import file has it (Chinese headers): a download edits and imports back."""
    return pl.DataFrame(
        [
            {
                HEADERS["name"][0]: a.name,
                HEADERS["aliases"][0]: "；".join(a.aliases),
                HEADERS["level"][0]: LEVEL_ZH.get(a.level, a.level or ""),
                HEADERS["kind"][0]: {
                    "government": "政府",
                    "department": "部门",
                    "township": "乡镇",
                    "zone": "开发区",
                }.get(a.kind, ""),
                HEADERS["region_code"][0]: a.region_code or "",
                HEADERS["parent"][0]: a.parent or "",
                HEADERS["url"][0]: a.url or "",
                HEADERS["deadline"][0]: "部门" if a.deadline == "department" else "政府",
                HEADERS["from_year"][0]: a.from_year,
                HEADERS["to_year"][0]: a.to_year,
                HEADERS["merged_into"][0]: a.merged_into or "",
            }
            for a in roster
        ],
        schema={HEADERS[c][0]: (pl.Int64 if c.endswith("year") else pl.String) for c in HEADERS},
    )


def roster_page(eng: sa.Engine, user: User) -> None:
    roster = audit_roster.agencies(eng)
    if flash := st.session_state.pop("roster_flash", None):
        st.success(flash)
    version = audit_roster.roster_version(eng)
    st.caption(f"名录第 {version} 版，共 {len(roster):,} 家机构。" if roster else "尚未导入机构名录。")
    tabs = st.tabs(["导入名录", "当前名录", "修改一家机构", "生成草稿"])
    with tabs[0]:
        _import_form(eng, user)
    with tabs[1]:
        if roster:
            df = _roster_frame(roster)
            ui.dataframe(df.head(2000), hide_index=True, width="stretch")
            if len(roster) > 2000:
                st.caption(f"只显示前 2,000 家；下载可得全部 {len(roster):,} 家。")
            st.download_button(
                "下载名录（CSV，可编辑后重新导入）",
                df.write_csv().encode("utf-8-sig"),
                file_name=f"机构名录_第{version}版.csv",
                mime="text/csv",
            )
    with tabs[2]:
        _edit_form(eng, user, roster)
    with tabs[3]:
        _draft_form()


def _import_form(eng: sa.Engine, user: User) -> None:
    st.markdown(
        "上传 CSV 或 Excel（.xlsx）文件：第一行为表头，可用中文或英文列名——"
        + "、".join(f"{hs[0]}（{hs[-1]}）" for hs in HEADERS.values())
        + "。除机构名称外都可留空；别名用“；”分隔。导入的名录替换当前名录（同名机构保留其记录）。"
    )
    up = st.file_uploader("名录文件", type=["csv", "xlsx"], key="roster_file")
    note = st.text_input("说明", placeholder="如：2025年机构改革后名录", key="roster_note")
    if up is None or not st.button("导入", type="primary", key="roster_import"):
        return
    if up.size > MAX_UPLOAD_MB * 1024 * 1024:
        st.error(f"文件超过 {MAX_UPLOAD_MB} MB，未导入。")
        return
    try:
        rows = read_roster(up.name, data=up.getvalue())
        counts = audit_roster.import_roster(eng, user, rows, up.name, note)
    except (RosterError, store.AuditError) as e:
        st.error(str(e))
        return
    st.session_state["roster_flash"] = (
        f"已导入第 {counts['version']} 版名录：{counts['total']:,} 家机构（新增 {counts['added']:,}、"
        f"修改 {counts['changed']:,}、删除 {counts['removed']:,}）。重建数据仓库后，覆盖情况按新名录计算。"
    )
    st.rerun()


def _edit_form(eng: sa.Engine, user: User, roster: list[audit_roster.RosterAgency]) -> None:
    by_id = {a.agency_id: a for a in roster}
    aid = st.selectbox(
        "机构（不选则新增）",
        list(by_id),
        format_func=lambda a: _label(by_id[a]),
        index=None,
        placeholder="选择要修改的机构，或直接填写下面的表格新增",
        key="roster_edit_agency",
    )
    a = by_id.get(aid)
    held = next((r for r in audit_roster.agency_rows(eng) if r["agency_id"] == aid), None) if a else None
    seen = audit_ui._seen(f"roster_{aid}", held["version"]) if held else 0  # as first shown: a later edit is stale
    with st.form(f"roster_edit_{aid}"):
        name = st.text_input("机构名称", value=a.name if a else "")
        aliases = st.text_input("别名（用“；”分隔）", value="；".join(a.aliases) if a else "")
        level = st.selectbox("层级", ["", *LEVEL_ZH.values()], index=_index(LEVEL_ZH, a.level if a else None))
        kind = st.selectbox("机关类型", ["", *KIND_ZH.values()], index=_index(KIND_ZH, a.kind if a else None))
        region = st.text_input("行政区划代码或地名", value=(a.region_code or "") if a else "")
        url = st.text_input("年报栏目网址", value=(a.url or "") if a else "")
        years = st.columns(2)
        from_year = years[0].text_input("设立年份", value=str(a.from_year or "") if a else "")
        to_year = years[1].text_input("撤销年份（该年起不再应报）", value=str(a.to_year or "") if a else "")
        note = st.text_input("修改说明")
        go = st.form_submit_button("保存", type="primary")
    if not go:
        return
    values = {
        "name": name,
        "aliases": aliases,
        "level": level or None,
        "kind": kind or None,
        "region_code": region,
        "url": url,
        "from_year": from_year,
        "to_year": to_year,
        # kept as they were (the file import sets them; the form does not show them)
        "parent": a.parent if a else None,
        "deadline": ("部门" if a.deadline == "department" else "政府") if a else None,
        "merged_into": a.merged_into if a else None,
    }
    cells = {HEADERS[k][0]: v or "" for k, v in values.items()}
    try:
        (new,) = parse_rows([(1, list(cells)), (2, list(cells.values()))], "修改")
        if a is not None and new.agency_id != a.agency_id:  # the same record, whatever the edit does to the id
            new = audit_roster.RosterAgency(**{**new.__dict__, "agency_id": a.agency_id})
        audit_roster.save_agency(eng, user, new, seen, note)
    except (RosterError, store.AuditError) as e:
        st.error(str(e).replace("第 2 行：", ""))
        return
    if held:
        audit_ui._seen(f"roster_{aid}", seen + 1, refresh=True)
    st.session_state["roster_flash"] = f"已保存“{new.name}”。重建数据仓库后生效。"
    st.rerun()


def _index(labels: dict, code: str | None) -> int:
    return list(labels).index(code) + 1 if code in labels else 0


def _draft_form() -> None:
    st.markdown("按行政区划生成名录草稿：该地区的各级人民政府（含乡镇、街道），加上数据仓库中该地区已有报告的机构。")
    region = st.text_input("地区（行政区划代码或地名，如 150200 或 包头市）", key="roster_draft_region")
    if not region or not st.button("生成草稿", key="roster_draft"):
        return
    try:
        rows = draft.from_gazetteer(region.strip())
    except RosterError as e:
        st.error(str(e))
        return
    wh = warehouse.warehouse_dir()
    held = draft.from_warehouse(wh, region.strip()) if warehouse.is_built(wh) else []
    text = draft.draft_csv(rows + held)
    st.success(f"草稿共 {text.count(chr(10)) - 1:,} 家机构（区划表 {len(rows):,} 家，数据仓库中 {len(held):,} 家）。")
    st.download_button(
        "下载草稿（CSV）", text.encode("utf-8-sig"), file_name=f"机构名录草稿_{region.strip()}.csv", mime="text/csv"
    )
