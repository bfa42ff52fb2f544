"""Parser fuzzing: the real corpus truncated, shuffled, duplicated, sprinkled with noise and huge numbers, broken
into HTML, re-encoded; and inputs made from nothing. Whatever comes in, the readers raise ReadError (with a
Chinese reason) or return a Document, the parser returns a Report, and every number it reports can be read
from the input (`robust_mutations.check_parse`)."""

from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_mutations import (
    ENCODINGS,
    MUTATIONS,
    TEXT_FILES,
    as_bytes,
    as_html,
    check_parse,
    corpus,
    heading_cuts,
    mutate,
    parse_bytes,
    truncated,
)

from gi_analytics.model import CellState
from gi_analytics.readers import Document, TableBlock, TextBlock

BOUNDED = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DOCS = corpus()
DOC_IDS = [d.name for d in DOCS]


# ---------------------------------------------------------------- truncation


@pytest.mark.parametrize("doc", DOCS, ids=DOC_IDS)
def test_truncated_at_every_section_heading(doc: Document) -> None:
    cuts = heading_cuts(doc)
    assert cuts or doc.name == "09.txt", "each real report has section headings to cut at"
    for at in [0, *cuts, len(doc.blocks)]:
        check_parse(truncated(doc, at))


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.name)
def test_text_files_cut_at_every_heading_byte_and_inside_the_heading(path) -> None:
    """Byte-level cuts through the reader: before each heading, and 1-2 bytes into it (half a character)."""
    data = path.read_bytes()
    offsets = [
        m.start()
        for m in re.finditer(rb"\n[ \t]*(?:\xe4\xb8\x80|\xe4\xba\x8c|\xe4\xb8\x89|\xe5\x9b\x9b)", data)
    ]
    for offset in offsets:
        for extra in (0, 2, 3):
            parse_bytes(data[: offset + extra], path.name)


# ---------------------------------------------------------------- mutations of the real corpus

_OPS = st.lists(
    st.tuples(st.sampled_from(sorted(MUTATIONS)), st.integers(0, 2**32 - 1)), min_size=1, max_size=5
)


@BOUNDED
@given(index=st.integers(0, len(DOCS) - 1), ops=_OPS)
def test_mutated_corpus_parses_without_inventing_numbers(index: int, ops: list[tuple[str, int]]) -> None:
    check_parse(mutate(DOCS[index], ops))


@settings(BOUNDED, max_examples=100)
@given(index=st.integers(0, len(DOCS) - 1), ops=_OPS, seed=st.integers(0, 2**32 - 1))
def test_mutated_corpus_as_files_in_any_encoding(index: int, ops: list[tuple[str, int]], seed: int) -> None:
    """The mutated report written as text or broken HTML, in a random encoding, with flipped or cut bytes."""
    data, name = as_bytes(mutate(DOCS[index], ops), random.Random(seed))
    parse_bytes(data, name)


# ---------------------------------------------------------------- inputs from nothing

_PIECES = st.sampled_from(
    ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
     "五、存在的主要问题及改进情况", "规章", "行政规范性文件", "行政许可", "一、本年新收政府信息公开申请数量",
     "（一）予以公开", "（七）总计", "四、结转下年度继续办理", "行政复议", "0", "12", "３", "—", "无", "\t", "|",
     "2021年", "1" + "0" * 30, "9" * 25, "平昌关镇", "本年制发件数", "\n"]
)  # fmt: skip
_LINE = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join)


@BOUNDED
@given(lines=st.lists(_LINE, max_size=60))
def test_any_text_lines(lines: list[str]) -> None:
    check_parse(Document("x.txt", "txt", [TextBlock(line) for line in lines]))


_CELL = st.one_of(st.none(), _PIECES, st.text(max_size=6))


@BOUNDED
@given(
    before=st.lists(_LINE, max_size=8),
    grids=st.lists(st.lists(st.lists(_CELL, max_size=12), max_size=30), min_size=1, max_size=3),
)
def test_any_grids(before: list[str], grids: list[list[list[str | None]]]) -> None:
    """Ragged grids with None slots anywhere, as broken DOCX/PDF tables give."""
    blocks = [TextBlock(line) for line in before] + [TableBlock(rows) for rows in grids]
    check_parse(Document("x.docx", "docx", blocks))


@BOUNDED
@given(
    data=st.binary(max_size=4000),
    suffix=st.sampled_from([".txt", ".html", ".htm", ".docx", ".pdf", ".doc", ""]),
)
def test_any_bytes_with_any_extension(data: bytes, suffix: str) -> None:
    parse_bytes(data, f"x{suffix}")


# ---------------------------------------------------------------- encodings and HTML


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_real_report_in_other_encodings_reads_the_same_numbers(encoding: str) -> None:
    path = TEXT_FILES[0]
    text = path.read_text(encoding="utf-8")
    _, expected = parse_bytes(text.encode("utf-8"), path.name)
    _, report = parse_bytes(text.encode(encoding), path.name)
    assert report.tables == expected.tables and report.unit == expected.unit == "平昌关镇"


@pytest.mark.parametrize("encoding", sorted(set(ENCODINGS) - {"utf-8", "gb18030", "utf-8-sig", "utf-16"}))
def test_real_report_in_a_wrong_encoding_is_refused_or_parsed(encoding: str) -> None:
    text = TEXT_FILES[0].read_text(encoding="utf-8")
    parse_bytes(text.encode(encoding, errors="replace"), "x.txt")
    parse_bytes(text.encode(encoding, errors="replace"), "x.html")


@pytest.mark.parametrize("seed", range(12))
def test_real_reports_as_broken_html(seed: int) -> None:
    """Unclosed tags, absurd spans, nesting 3,000 deep, a script in the head: ReadError or a Report."""
    rng = random.Random(seed)
    doc = DOCS[seed % len(DOCS)]
    parse_bytes(as_html(doc, rng).encode(), "x.html")


def test_html_table_of_the_real_report_keeps_its_numbers() -> None:
    """The HTML path is not only survived: a clean table of the real report gives the same cells."""
    doc = next(d for d in DOCS if d.name.startswith("huaian"))
    clean = random.Random(0)
    clean.random = lambda: 0.0  # type: ignore[method-assign]  # never drop a closing tag
    clean.choice = lambda seq: seq[0]  # type: ignore[method-assign]  # no spans, no nesting
    _, report = parse_bytes(as_html(doc, clean).encode(), "huaian.html")
    expected = check_parse(doc)
    assert report.tables["requests"] == expected.tables["requests"]


# ---------------------------------------------------------------- regressions found by the fuzzer


def test_long_digit_run_after_a_label_is_fast() -> None:
    """`_TAIL` backtracked exponentially: 400 digits after a label never finished."""
    line = "行政规范性文件" + "9" * 400 + "x"
    start = time.perf_counter()
    check_parse(Document("x.txt", "txt", [TextBlock("二、主动公开政府信息情况"), TextBlock(line)]))
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("digits", [25, 28, 56, 130])
def test_long_run_together_row_is_unreadable_at_once(digits: int) -> None:
    """Splitting a 28-digit run into seven counts took minutes; now a run over 20 digits is not split."""
    lines = ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量" + "1" * digits]
    start = time.perf_counter()
    report = check_parse(Document("x.txt", "txt", [TextBlock(line) for line in lines]))
    assert time.perf_counter() - start < 2
    cells = report.tables["requests"]["new_received"].values()
    assert {c.state for c in cells} == {CellState.UNREADABLE}


@pytest.mark.parametrize("number", ["1" + "0" * 30, "123456789012345678", "9" * 400])
def test_numbers_too_big_for_a_double_are_unreadable_not_rounded(number: str) -> None:
    lines = ["二、主动公开政府信息情况", f"规章\t{number}\t0\t1"]
    report = check_parse(Document("x.txt", "txt", [TextBlock(line) for line in lines]))
    assert report.tables["active"]["regulations"]["issued"].state is CellState.UNREADABLE
    assert report.tables["active"]["regulations"]["in_force"].value == 1
