"""Plain text: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; one TextBlock per line."""

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
        raise ReadError("不是文本文件：内容含有二进制数据")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return _checked(_nearly(data) or _guess(data))


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
        raise ReadError("不是文本文件：无法识别文字编码（支持 UTF-8、GBK/GB18030）")
    return str(best)


def _checked(text: str) -> str:
    """Refuse text that is mostly control characters or replacement marks (binary data decoded by luck)."""
    if not text:
        return text
    bad = sum(1 for ch in text if ch in _CONTROL or ch == "\ufffd")
    if bad / len(text) > _MAX_CONTROL_SHARE:
        raise ReadError("不是文本文件：内容含有大量无法识别的字符")
    return text
