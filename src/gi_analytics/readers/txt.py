"""Plain text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when its zero bytes show it),
else GB18030 or Big5, whichever reads as Chinese; one TextBlock per line."""

from __future__ import annotations

import codecs

from gi_analytics.readers import Document, ReadError, TextBlock

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Characters that never appear in a real report: C0 controls other than tab, newline, CR, form feed.
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r", "\f"}
_MAX_CONTROL_SHARE = 0.01
# Frequent characters of reports, simplified and traditional: Big5 bytes decoded as GB18030 (both accept most
# double-byte pairs) give rare characters instead.
_COMMON = frozenset(
    "的一是在不了有和人这這中大为為上个個国國我以要他时時来來用们們生到作地于於出就分对對成会會可主发發年动動"
    "同工也能下过過子说說产產种種面而方后後多定行学學法所民得经經十三之进進着著等部度家电電力里裏如水化高自二"
    "理起小物现現实實加量都两兩体體制机機当當使点點从從业業本去把性好应應开開它合还還因由其些然前外天政府信息公"
    "申请請件办辦数數依报報告总總情况況复復议議诉訴讼訟区區镇鎮街道局委员員规規范範文主动動受理答"
)
_CANDIDATES = ("gb18030", "big5")
_GUESSABLE = frozenset(
    {"big5", "big5hkscs", "cp950", "hz", "iso2022_cn", "utf_8", "gb18030", "gbk", "gb2312"}
)


def read(data: bytes, name: str) -> Document:
    if not data.strip():
        raise ReadError("文件为空")
    text = decode(data)
    return Document(name=name, format="txt", blocks=[TextBlock(line) for line in split_lines(text)])


def decode(data: bytes) -> str:
    """Bytes -> str: BOM, then strict UTF-8, then GB18030, then charset-normalizer's best guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    if b"\x00" in data:
        return _checked(_utf16_without_bom(data))
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    strict = [text for text in map(lambda e: _strict(data, e), _CANDIDATES) if text is not None]
    if strict:
        return _checked(max(strict, key=chinese_share))
    return _checked(_nearly(data) or _guess(data))


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def chinese_share(text: str) -> float:
    """Share of the text's CJK characters that are common in reports (real text ≈ 0.5, mojibake ≈ 0.05)."""
    cjk = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    return sum(ch in _COMMON for ch in cjk) / len(cjk) if cjk else 0.0


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 without a BOM: the zero bytes of ASCII (digits, line ends) fall on one side of each pair (a few
    CJK characters, U+4E00 say, put one on the other)."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if len(data) % 2 == 0 and max(even, odd) >= 2 and min(even, odd) * 4 <= max(even, odd):
        text = _strict(data, "utf-16-le" if odd > even else "utf-16-be")
        if text is not None and chinese_share(text) > 0.2:
            return text
    raise ReadError("不是文本文件：内容含有二进制数据")


def split_lines(text: str) -> list[str]:
    """CRLF and CR become LF; a final newline does not make an extra empty line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def _nearly(data: bytes) -> str | None:
    """UTF-8 or GB18030 text with a few broken bytes (a cut-off character, a stray byte)."""
    decoded = [data.decode(encoding, errors="replace") for encoding in ("utf-8", "gb18030")]
    best = min(decoded, key=lambda text: text.count("\ufffd"))
    return best if best.count("\ufffd") <= len(best) * _MAX_CONTROL_SHARE / 2 else None


def _guess(data: bytes) -> str:
    """charset-normalizer, limited to encodings Chinese text is really published in."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding not in _GUESSABLE:
        raise ReadError("不是文本文件：无法识别文字编码（支持 UTF-8、UTF-16、GBK/GB18030、Big5）")
    return str(best)


def _checked(text: str) -> str:
    """Refuse text that is mostly control characters or replacement marks (binary data decoded by luck)."""
    if not text:
        return text
    bad = sum(1 for ch in text if ch in _CONTROL or ch == "\ufffd")
    if bad / len(text) > _MAX_CONTROL_SHARE:
        raise ReadError("不是文本文件：内容含有大量无法识别的字符")
    return text
