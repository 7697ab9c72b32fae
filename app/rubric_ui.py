"""考核评分's rubric: the one in force (its newest version in the audit database, else scoring/default_rubric.toml)
and, for 管理 users only, the editor that saves a new version (checked first, logged in the audit log)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app import audit_ui, ui
from audit import store
from scoring.rubric import DEFAULT_RUBRIC, parse_rubric

DEFAULT_NAME = "默认考核细则"


def in_force() -> tuple[str, str]:
    """(TOML text, name shown) of the rubric every scorecard uses now."""
    saved = store.current_rubric(audit_ui.engine())
    if saved is None:
        return DEFAULT_RUBRIC.read_text(encoding="utf-8"), DEFAULT_NAME
    return saved["text"], f"{saved['name']}（第 {saved['version']} 版）"


def describe() -> None:
    """Which rubric is in force, who saved it and when."""
    saved = store.current_rubric(audit_ui.engine())
    if saved is None:
        st.caption("当前使用默认考核细则（scoring/default_rubric.toml）。")
    else:
        st.caption(
            f"当前使用“{saved['name']}”第 {saved['version']} 版：{saved['username']} 于 "
            f"{store.local_time(saved['created_at'])} 保存（{saved['note']}）。"
        )


def editor() -> None:
    """The rubric editor, for 管理 users; anyone else reads why there is none. Drawn before the page reads
    `in_force()`, so a version saved here scores this very run."""
    user = audit_ui.signed_in()
    if user is None or not user.may_administer:
        st.caption(
            "修改全站使用的考核细则需要“管理”权限"
            + ("，请先在“审核”页用管理员账号登录。" if user is None else f"；当前账号（{user.name}）没有此权限。")
        )
        return
    eng = audit_ui.engine()
    text, name = in_force()
    saved = store.current_rubric(eng)
    st.markdown("**修改考核细则（管理）**")
    with st.form("rubric_editor"):
        new_text = st.text_area("考核细则（TOML）", text, height=360, key="rubric_text")
        new_name = st.text_input("细则名称", saved["name"] if saved else "考核细则", key="rubric_name")
        note = st.text_input("修改说明", key="rubric_note", placeholder="如：按时发布改为 25 分")
        go = st.form_submit_button("保存为新版本", type="primary")
    if go:
        try:
            row = store.save_rubric(eng, user, new_name, new_text, note, check=parse_rubric)
        except store.AuditError as e:
            st.error(str(e))
        else:
            st.success(f"已保存第 {row['version']} 版；所有人的考核评分从现在起按此细则计算。")
    versions = store.rubric_versions(eng)
    if versions:
        ui.dataframe(
            pl.DataFrame(
                [
                    {
                        "版本": v["version"],
                        "名称": v["name"],
                        "说明": v["note"],
                        "保存人": audit_ui.person(eng, v["username"]),
                        "时间": store.local_time(v["created_at"]),
                    }
                    for v in versions
                ]
            ),
            hide_index=True,
            width="stretch",
        )
