"""Who may do what. No roles file: one local user with every role (the app on 127.0.0.1, as before). A roles
file (`roles.toml` in the data folder, or the file named by GI_ROLES) turns on logins and names each user's
roles — 查看 view, 导入 import, 核实 review, 导出 export:

    method = "header"              # "header": a trusted header set by an authenticating reverse proxy
    header = "X-Forwarded-Email"   #           (only with the app bound to 127.0.0.1 behind the proxy)
                                   # "oidc":   Streamlit's own st.login ([auth] in .streamlit/secrets.toml)
    [users]
    "zhang@example.gov.cn" = ["查看", "导入", "核实", "导出"]
    "li@example.gov.cn" = ["查看"]
    "*" = ["查看"]                  # optional: every other user who has logged in

Users are matched without regard to case. A roles file that cannot be read lets no one in (fail closed). No
streamlit here: app/auth.py applies the decision on every page and action.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

VIEW, IMPORT, REVIEW, EXPORT = "查看", "导入", "核实", "导出"
ROLES = (VIEW, IMPORT, REVIEW, EXPORT)
ALIASES = {"view": VIEW, "import": IMPORT, "review": REVIEW, "export": EXPORT}
METHODS = ("header", "oidc")
ROLES_ENV = "GI_ROLES"
ROLES_FILE = "roles.toml"
ANYONE = "*"
LOCAL_USER = "本机用户"
DEFAULT_HEADER = "X-Forwarded-Email"


class AccessError(Exception):
    """The roles file is unusable; the message says why, in Chinese."""


@dataclass(frozen=True)
class Policy:
    method: str = "local"  # local | header | oidc
    header: str = DEFAULT_HEADER
    users: dict[str, frozenset[str]] = field(default_factory=dict)
    source: Path | None = None

    @property
    def local(self) -> bool:
        return self.method == "local"


LOCAL = Policy()


def roles_path(data_dir: Path) -> Path:
    """The roles file: GI_ROLES, else roles.toml in the data folder."""
    return Path(os.environ.get(ROLES_ENV) or data_dir / ROLES_FILE)


def load(path: Path) -> Policy:
    """The policy of the roles file at `path`; no file means the local policy (every role)."""
    if not path.exists():
        if os.environ.get(ROLES_ENV):  # named but gone: never fall back to "everyone may do everything"
            raise AccessError(f"找不到权限文件 {path}（环境变量 {ROLES_ENV}）")
        return LOCAL
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AccessError(f"无法读取权限文件 {path}：{exc}") from None
    method = str(data.get("method", "header")).lower()
    if method not in METHODS:
        raise AccessError(f"权限文件 {path} 的 method 应为 header 或 oidc，而不是 {method}")
    header = str(data.get("header") or DEFAULT_HEADER)
    users = {
        str(user).strip().lower(): _roles(path, user, roles)
        for user, roles in dict(data.get("users", {})).items()
    }
    return Policy(method, header, users, path)


def _roles(path: Path, user: str, roles: object) -> frozenset[str]:
    if not isinstance(roles, list):
        raise AccessError(f'权限文件 {path} 中 {user} 的角色应写成列表，如 ["查看", "导出"]')
    found = {ALIASES.get(str(r).strip().lower(), str(r).strip()) for r in roles}
    unknown = sorted(found - set(ROLES))
    if unknown:
        raise AccessError(
            f"权限文件 {path} 中 {user} 的角色无法识别：{'、'.join(unknown)}（可选：{'、'.join(ROLES)}）"
        )
    return frozenset(found)


def roles_of(policy: Policy, user: str | None) -> frozenset[str]:
    """The roles of `user` (None: not logged in) under `policy`."""
    if policy.local:
        return frozenset(ROLES)
    if not user:
        return frozenset()
    return policy.users.get(user.strip().lower(), policy.users.get(ANYONE, frozenset()))


def allowed(policy: Policy, user: str | None, role: str) -> bool:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return role in roles_of(policy, user)
