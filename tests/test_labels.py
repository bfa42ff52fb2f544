"""Shared labels: the order of names a Chinese reader expects, and the name of the group without a district."""

from __future__ import annotations

import pandas as pd

from gi_analytics import analytics, labels


def test_names_sort_by_pinyin_not_by_code_point() -> None:
    names = ["长沙县", "白沙镇", "安平乡", "重庆街道", "安平乡", "周口镇"]
    assert labels.by_pinyin(names) == ["安平乡", "白沙镇", "长沙县", "重庆街道", "周口镇"]
    assert sorted(set(names)) != labels.by_pinyin(names)  # code point order puts 周 before 安


def test_a_unit_column_sorts_by_pinyin_and_other_columns_as_they_are() -> None:
    df = pd.DataFrame({"unit": ["周口镇", "安平乡", "安平乡"], "year": [2021, 2023, 2022]})
    out = df.sort_values(["unit", "year"], key=labels.pinyin_column)
    assert list(zip(out["unit"], out["year"], strict=True)) == [("安平乡", 2022), ("安平乡", 2023), ("周口镇", 2021)]


def test_units_without_a_district_are_named_as_a_group() -> None:
    assert labels.district_label("") == labels.district_label(None) == "（未填区县）"
    assert labels.district_label("平桥区") == "平桥区"


def test_the_database_lists_units_and_reports_in_pinyin_order(demo_db) -> None:
    options = analytics.filter_options(str(demo_db))
    for units in options.units.values():
        assert list(units) == labels.by_pinyin(units)
    index = analytics.report_index(str(demo_db), analytics.Filters())
    assert list(dict.fromkeys(index["unit"])) == labels.by_pinyin(index["unit"])
    assert list(dict.fromkeys(index["unit"])) != sorted(set(index["unit"]))  # the demo's names tell them apart
