"""Retention: `gi-analytics prune` keeps N old versions per report, originals of the newest of them and N
backups of each kind — never a current version, a version a review points at, or the database itself."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "robustness"))

from conftest import table_rows  # noqa: E402
from robust_workers import write_reports  # noqa: E402

from gi_analytics import store  # noqa: E402
from gi_analytics.cli import main as cli  # noqa: E402
from gi_analytics.ingest.pipeline import ingest_paths  # noqa: E402


def versions_db(tmp_path: Path) -> Path:
    """甲镇 2021 in 5 versions, 乙镇 2021 in 1."""
    db = tmp_path / "gi.duckdb"
    folder = tmp_path / "reports"
    for n in range(1, 6):
        (path,) = write_reports(folder / str(n), ["甲镇"])
        path.write_text(path.read_text(encoding="utf-8") + f"\n第{n}次修订\n", encoding="utf-8")
        assert ingest_paths([path], db, workers=1).ok
    assert ingest_paths(write_reports(folder / "b", ["乙镇"]), db, workers=1).ok
    with store.write_connection(db) as txn:  # a review that names version 2 (as 已整改 does)
        txn.con.execute("""INSERT INTO reviews (finding_id, district, unit, year, check_id, status, reviewed_at,
                           version) SELECT 'abc123def456', district, name, 2021, 'x', '已整改', now(), 2
                           FROM units WHERE name = '甲镇'""")
        txn.changed = True
    return db


def state(db: Path) -> dict:
    with store.read_connection(db) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "versions": q(
                "SELECT u.name, r.version, r.is_current FROM reports r JOIN units u USING (unit_id) "
                "ORDER BY 1, 2"
            ),
            "originals": q(
                "SELECT u.name, r.version FROM reports r JOIN units u USING (unit_id) "
                "JOIN originals o USING (content_hash) ORDER BY 1, 2"
            ),
            "orphans": q(
                "SELECT (SELECT count(*) FROM cells WHERE report_id NOT IN (SELECT report_id FROM reports))"
                " + (SELECT count(*) FROM findings WHERE report_id NOT IN (SELECT report_id FROM reports))"
                " + (SELECT count(*) FROM sections WHERE report_id NOT IN (SELECT report_id FROM reports))"
            )[0][0],
        }


def test_prune_keeps_current_reviewed_and_the_newest_old_versions(tmp_path, capsys):
    db = versions_db(tmp_path)
    for name in ("bak1", "bak2", "bak10", "damaged", "damaged2"):
        db.with_name(f"gi.duckdb.{name}").write_bytes(b"x")
    before = table_rows(db)
    args = ["prune", "--db", str(db), "--keep-versions", "1", "--keep-originals", "0", "--keep-backups", "1"]
    assert cli.main([*args, "--dry-run"]) == cli.EXIT_OK
    assert "将清理：旧版本 2 份，原件 3 个，备份文件 3 个" in capsys.readouterr().out
    assert table_rows(db) == before  # a dry run changes nothing

    assert cli.main(args) == cli.EXIT_OK
    assert "已清理：旧版本 2 份" in capsys.readouterr().out
    after = state(db)
    assert after["versions"] == [("乙镇", 1, True), ("甲镇", 2, False), ("甲镇", 4, False), ("甲镇", 5, True)]
    assert after["originals"] == [("乙镇", 1), ("甲镇", 2), ("甲镇", 5)]  # current and reviewed keep theirs
    assert after["orphans"] == 0
    assert sorted(p.name for p in tmp_path.glob("gi.duckdb.*") if "bak" in p.name or "damaged" in p.name) == [
        "gi.duckdb.bak10",
        "gi.duckdb.damaged2",
    ]
    assert db.exists()


def test_prune_with_enough_room_changes_nothing(tmp_path, capsys):
    db = versions_db(tmp_path)
    before = table_rows(db)
    assert (
        cli.main(["prune", "--db", str(db), "--keep-versions", "9", "--keep-originals", "9"]) == cli.EXIT_OK
    )
    assert table_rows(db) == before


def test_prune_of_a_missing_database_is_a_chinese_error(tmp_path, capsys):
    assert cli.main(["prune", "--db", str(tmp_path / "none.duckdb")]) == cli.EXIT_CANNOT_RUN
    assert "找不到数据库文件" in capsys.readouterr().err
