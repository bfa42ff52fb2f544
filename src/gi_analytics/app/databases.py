"""The databases a user may open: the default one (the demo, unless GI_DB names another) and the `*.duckdb`
files of its data folder, by name. `?db=` and the chooser accept only these names, never a path."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import streamlit as st

from .. import store

DEFAULT_NAME = "默认数据库"
DEMO_NAME = "示例数据"
DEMO_DISTRICT = "示例区"  # the bundled sample's fictitious district: a database holding only it is the demo
PENDING = "_db_switch"  # a database to open on the next run (a widget's key cannot change after it is drawn)
_NAME = re.compile(r"^[\w\u4e00-\u9fff\-]{1,40}$")  # letters, digits, CJK, _ and -: no dots, no slashes


def default_path() -> Path:
    return store.default_db()


def data_dir() -> Path:
    return default_path().parent


def is_demo(path: str | Path) -> bool:
    return store.snapshot.once(("is_demo", str(path)), lambda: _is_demo(str(path), _stamp(Path(path).parent)))


@functools.lru_cache(maxsize=64)
def _is_demo(path: str, stamp: int) -> bool:
    return Path(path).resolve() == store.BUNDLED_DB.resolve()


def default_name() -> str:
    return DEMO_NAME if is_demo(default_path()) else DEFAULT_NAME


def _stamp(folder: Path) -> int:
    """Changes whenever a file of `folder` is added, removed or renamed (a swap included)."""
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return -1


def available() -> dict[str, Path]:
    """Name -> file: the default database first, then the other databases of the data folder by name
    (listed again only when the folder changes: every query of a page asks)."""
    return dict(store.snapshot.once("databases", lambda: _available(str(default_path()), _stamp(data_dir()))))


@functools.lru_cache(maxsize=16)
def _available(default: str, stamp: int) -> tuple[tuple[str, Path], ...]:
    found = {default_name(): Path(default)}
    folder = Path(default).parent
    if folder.is_dir():
        for p in sorted(folder.glob("*.duckdb")):
            if p.resolve() != Path(default).resolve() and _NAME.match(p.stem):
                found[p.stem] = p
    return tuple(found.items())


def name_problem(name: str) -> str | None:
    """Why a new database cannot have this name (Chinese), or None."""
    if not _NAME.match(name):
        return "名称只能包含汉字、字母、数字、下划线和连字符，不超过 40 个字"
    if name in available() or (data_dir() / f"{name}.duckdb").exists():
        return f"已有名为“{name}”的数据库"
    return None


def new_path(name: str) -> Path:
    return data_dir() / f"{name}.duckdb"


def switch_to(name: str) -> None:
    """Open the database `name` from the next run on."""
    st.session_state[PENDING] = name


def current_name() -> str:
    """The chosen database's name: a pending switch, else the chooser's value, else `?db=` (names only)."""
    known = available()
    if PENDING in st.session_state:
        st.session_state["f_db"] = st.session_state.pop(PENDING)
    if "f_db" not in st.session_state and st.query_params.get("db"):
        asked = st.query_params["db"]
        if asked in known:
            st.session_state["f_db"] = asked
        else:
            st.error(f"没有名为“{asked}”的数据库，已打开{default_name()}。可选：{'、'.join(known)}",
                     icon=":material/error:")
    if st.session_state.get("f_db") not in known and not _vanished(st.session_state.get("f_db")):
        st.session_state["f_db"] = default_name()
    return st.session_state["f_db"]


def _vanished(name: str | None) -> bool:
    """A database of the data folder chosen in this session whose file is gone: it stays chosen (and is
    reported missing) until the user picks another; it is never silently swapped for the demo."""
    reserved = (DEFAULT_NAME, DEMO_NAME)
    return bool(name) and name not in reserved and _NAME.match(name) is not None and name not in available()


def path_of(name: str) -> str:
    found = available().get(name)
    return str(found or (new_path(name) if _vanished(name) else default_path()))


def chooser() -> str:
    """The sidebar's database chooser; returns the chosen database's file."""
    name = current_name()
    with st.sidebar.expander("数据库", icon=":material/database:"):
        names = list(available())
        st.selectbox("数据库", names if name in names else [*names, name], key="f_db",
                     help="数据文件夹中的数据库；在“导入”页可新建自己的数据库。")
        st.caption(f"当前：{name}")
    return path_of(st.session_state["f_db"])
