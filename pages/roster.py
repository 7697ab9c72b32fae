"""机构名录: the agencies expected to report (docs/roster.md) — import, download, edit, draft; 管理 users only.
Thin page over app/roster_ui.py."""

from app import router

router.page()

import streamlit as st

from app import audit_ui, roster_ui

st.title("机构名录")
st.caption("应当发布年报的机构：缺报、迟报都按名录计算。导入、修改名录需要“管理”权限；每次修改都记入审核日志。")

user = audit_ui.signed_in_or_stop()
if not user.may_administer:
    st.warning(f"修改机构名录需要“管理”权限；当前账号（{user.name}）没有。")
    st.stop()
roster_ui.roster_page(audit_ui.engine(), user)
