"""Logins and roles: without a roles file, one local user with every role; with one, a user must log in (a
trusted proxy header, or Streamlit's OIDC st.login) and sees only the pages and actions of their roles."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gi_analytics import access
from gi_analytics.app import auth

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ROLES = """
method = "{method}"
header = "X-Forwarded-Email"
[users]
"Admin@example.gov.cn" = ["查看", "导入", "核实", "导出"]
"viewer@example.gov.cn" = ["view"]
"""


@pytest.fixture(autouse=True)
def _navigation(apptest_navigation, clear_streamlit_cache):
    """Run app.py as the server does, with an empty query cache."""


def roles_file(tmp_path: Path, monkeypatch, method: str = "header") -> Path:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES.format(method=method), encoding="utf-8")
    monkeypatch.setenv(access.ROLES_ENV, str(path))
    return path


def as_user(monkeypatch, email: str | None) -> None:
    """What the reverse proxy would send (AppTest cannot set request headers)."""
    monkeypatch.setattr(auth, "_headers", lambda: {"X-Forwarded-Email": email} if email else {})


OIDC = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32}}


def run(
    db: Path, monkeypatch, page: str | None = None, user: dict | None = None, secrets: dict | None = None
) -> AppTest:
    monkeypatch.setenv("GI_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        at.user = user
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def download_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_without_a_roles_file_the_local_user_may_do_everything(small_db, monkeypatch):
    monkeypatch.delenv(access.ROLES_ENV, raising=False)
    at = run(small_db.path, monkeypatch, "pages/import_reports.py")
    assert not at.error and at.get("file_uploader")
    assert download_labels(run(small_db.path, monkeypatch))  # the overview's downloads


def test_an_unauthenticated_user_sees_only_a_login_message(small_db, tmp_path, monkeypatch):
    roles_file(tmp_path, monkeypatch)
    as_user(monkeypatch, None)
    at = run(small_db.path, monkeypatch)
    assert any("请先登录" in i.value for i in at.info)
    assert [t.value for t in at.title] == ["政府信息公开年报分析"]
    assert not at.get("plotly_chart") and not at.metric and not at.selectbox and not download_labels(at)


def test_a_viewer_cannot_see_import_or_export_actions(small_db, tmp_path, monkeypatch):
    roles_file(tmp_path, monkeypatch)
    as_user(monkeypatch, "viewer@example.gov.cn")
    at = run(small_db.path, monkeypatch)
    assert at.title[0].value == "总览" and at.metric  # viewing is allowed
    assert not download_labels(at)  # no PNG/SVG/CSV/XLSX downloads
    assert any("viewer@example.gov.cn".replace(".", "\\.") in c.value for c in at.sidebar.caption)
    for page in ("pages/import_reports.py", "pages/export.py"):  # not in the navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    at = run(small_db.path, monkeypatch, "pages/report.py")
    assert not download_labels(at) and any("导出”权限" in c.value for c in at.caption)


def test_the_pages_refuse_a_user_without_the_role_in_chinese(small_db, tmp_path, monkeypatch):
    """Even if a page is reached (a stale link), its own check refuses: the checks are on the pages too."""
    roles_file(tmp_path, monkeypatch)
    as_user(monkeypatch, "viewer@example.gov.cn")
    monkeypatch.setattr(auth, "page_allowed", lambda url: True)  # as if the navigation had listed it
    at = run(small_db.path, monkeypatch, "pages/import_reports.py")
    assert any("没有“导入”权限" in e.value for e in at.error) and not at.get("file_uploader")


def test_an_importer_listed_in_any_case_may_import(small_db, tmp_path, monkeypatch):
    roles_file(tmp_path, monkeypatch)
    as_user(monkeypatch, "admin@EXAMPLE.gov.cn")
    at = run(small_db.path, monkeypatch, "pages/import_reports.py")
    assert not at.error and at.get("file_uploader")


def test_an_unknown_user_is_refused(small_db, tmp_path, monkeypatch):
    roles_file(tmp_path, monkeypatch)
    as_user(monkeypatch, "stranger@example.org")
    at = run(small_db.path, monkeypatch)
    assert any("没有使用本系统的权限" in e.value for e in at.error) and not at.metric


def test_oidc_login_through_st_user(small_db, tmp_path, monkeypatch):
    roles_file(tmp_path, monkeypatch, method="oidc")
    at = run(small_db.path, monkeypatch, user={"is_logged_in": False})
    assert any("没有 [auth] 设置" in e.value for e in at.error) and not at.button  # secrets.toml not set up
    at = run(small_db.path, monkeypatch, user={"is_logged_in": False}, secrets=OIDC)
    assert at.button(key="auth_login").label == "登录" and not at.metric
    at = run(small_db.path, monkeypatch, user={"is_logged_in": True, "email": "viewer@example.gov.cn"})
    assert at.metric and not download_labels(at)
    at = run(
        small_db.path,
        monkeypatch,
        "pages/export.py",
        user={"is_logged_in": True, "email": "admin@example.gov.cn"},
    )
    assert not at.error and at.button(key="x_build")


def test_a_broken_roles_file_lets_no_one_in(small_db, tmp_path, monkeypatch):
    path = roles_file(tmp_path, monkeypatch)
    path.write_text('[users]\n"a@b" = ["管理员"]\n', encoding="utf-8")
    as_user(monkeypatch, "a@b")
    at = run(small_db.path, monkeypatch)
    assert any("权限设置有误" in e.value and "管理员" in e.value for e in at.error) and not at.metric


def test_roles_decided_without_streamlit(tmp_path, monkeypatch):
    monkeypatch.delenv(access.ROLES_ENV, raising=False)
    assert access.load(tmp_path / "roles.toml") is access.LOCAL
    assert access.roles_of(access.LOCAL, None) == frozenset(access.ROLES)
    path = tmp_path / "roles.toml"
    path.write_text(
        'method = "oidc"\n[users]\n"*" = ["查看"]\n"b@x" = ["export", "查看"]\n', encoding="utf-8"
    )
    policy = access.load(path)
    assert access.roles_of(policy, "anyone@x") == {"查看"} and access.roles_of(policy, None) == frozenset()
    assert access.allowed(policy, "B@X", access.EXPORT) and not access.allowed(policy, "b@x", access.IMPORT)
    monkeypatch.setenv(access.ROLES_ENV, str(tmp_path / "gone.toml"))
    with pytest.raises(access.AccessError, match="找不到权限文件"):
        access.load(tmp_path / "gone.toml")
    path.write_text('method = "basic"\n', encoding="utf-8")
    with pytest.raises(access.AccessError, match="header 或 oidc"):
        access.load(path)


def test_the_review_form_needs_the_review_role(small_db, tmp_path, monkeypatch):
    path = roles_file(tmp_path, monkeypatch)
    as_user(monkeypatch, "viewer@example.gov.cn")
    at = run(small_db.path, monkeypatch, "pages/warnings.py")
    assert not at.button and any("需要“核实”权限" in c.value for c in at.caption)
    path.write_text(
        ROLES.format(method="header") + '"checker@example.gov.cn" = ["查看", "核实"]\n', encoding="utf-8"
    )
    as_user(monkeypatch, "checker@example.gov.cn")
    at = run(small_db.path, monkeypatch, "pages/warnings.py")
    assert at.text_input(key="findings_table_by").value == "checker@example.gov.cn"  # who is logged in
