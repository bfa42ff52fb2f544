"""Logins and roles in the app (the decision is gi_analytics.access's). app.py calls `gate()` before anything is
drawn and `page_allowed` to leave out pages; pages and widgets call `require(role)` (refuse and stop) or
`allowed(role)` (hide an action):

    auth.require(auth.IMPORT)                  # first line of a page that imports
    if auth.allowed(auth.REVIEW): ...          # a review form, a fetch box
    by = auth.user_name()                      # who did it (reviews)

Without a roles file everything is allowed to the one local user, as before.
"""

from __future__ import annotations

import os
import re
from typing import Any

import streamlit as st

from .. import access, store
from ..access import EXPORT, IMPORT, REVIEW, ROLES, VIEW
from . import databases

__all__ = [
    "EXPORT",
    "IMPORT",
    "REVIEW",
    "ROLES",
    "VIEW",
    "allowed",
    "gate",
    "page_allowed",
    "require",
    "user_name",
]

PAGE_ROLES = {"import": IMPORT, "export": EXPORT}  # url path -> the role a page needs besides 查看
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")  # as ui.md_escape: a name is shown, never rendered
_cache: dict[tuple[str, int], access.Policy] = {}


def policy() -> access.Policy:
    """The roles file's policy, read again when the file changes (looked at once per page run)."""
    return store.snapshot.once("policy", _policy)


def _policy() -> access.Policy:
    path = access.roles_path(databases.data_dir())
    try:
        stamp = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        stamp = -1
    key = (str(path), stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = access.load(path)
    return _cache[key]


def _headers() -> Any:
    """The request's headers (the websocket's upgrade request, as the reverse proxy sent it)."""
    return st.context.headers


def _oidc_user() -> str | None:
    if not st.user.get("is_logged_in"):
        return None
    return st.user.get("email") or st.user.get("name") or None


def user_name() -> str | None:
    """Who is using the app: the proxy's header, the OIDC login, or the local user; None if not logged in."""
    p = policy()
    if p.local:
        return access.LOCAL_USER
    if p.method == "header":
        return (_headers().get(p.header) or "").strip() or None
    return _oidc_user()


def signed_in() -> str:
    """The logged-in user's name ("" without logins): the default 核实人 of a review."""
    return "" if policy().local else user_name() or ""


def allowed(role: str) -> bool:
    """May the current user do `role` (查看, 导入, 核实, 导出)? False when the roles file is unusable."""
    try:
        return access.allowed(policy(), user_name(), role)
    except access.AccessError:
        return False


def require(role: str) -> None:
    """Stop the page with a Chinese refusal unless the current user has `role`."""
    if not allowed(role):
        st.error(
            f"您没有“{role}”权限，无法使用此功能。如需要，请联系管理员在权限文件中为您的账号添加该角色。",
            icon=":material/lock:",
        )
        st.stop()


def page_allowed(url_path: str) -> bool:
    return allowed(PAGE_ROLES.get(url_path, VIEW))


def gate() -> None:
    """Before any page: a usable roles file, a logged-in user, and the 查看 role; else say so and stop."""
    try:
        p = policy()
    except access.AccessError as exc:
        st.error(f"权限设置有误，暂时无法使用：{exc}。请联系管理员。", icon=":material/lock:")
        st.stop()
    if p.local:
        return
    name = user_name()
    if name is None:
        _login_message(p)
        st.stop()
    if not allowed(VIEW):
        st.error(
            f"账号 {name} 没有使用本系统的权限（需要“查看”角色），请联系管理员。", icon=":material/lock:"
        )
        st.stop()
    _account(p, name)


def _login_message(p: access.Policy) -> None:
    st.title("政府信息公开年报分析")
    if p.method == "oidc" and not _oidc_configured():
        st.error(
            "权限文件要求 OIDC 登录，但 .streamlit/secrets.toml 中没有 [auth] 设置（见 docs/deploy.md），请联系管理员。",
            icon=":material/lock:",
        )
    elif p.method == "oidc":
        st.info("请先登录后使用本系统。", icon=":material/login:")
        st.button("登录", on_click=st.login, type="primary", icon=":material/login:", key="auth_login")
    else:
        st.info("请先登录：请通过本单位的统一登录入口访问本系统（未收到登录信息）。", icon=":material/login:")


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def _account(p: access.Policy, name: str) -> None:
    roles = "、".join(r for r in ROLES if allowed(r))
    shown = _MARKUP.sub(r"\\\1", name)
    st.sidebar.caption(f":material/person: {shown}（{roles}）")
    if p.method == "oidc":
        st.sidebar.button("退出登录", on_click=st.logout, key="auth_logout", type="tertiary")
