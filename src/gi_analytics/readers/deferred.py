"""The DOCX and PDF readers, loaded on first use: python-docx and pdfplumber take ~130 ms to import, which
reading a text or HTML report (and the command line's start-up) never needs.

`files.py` imports `docx` and `pdf` from here; `read` is looked up when called, any other attribute
(`docx.ZIP_ERRORS`) loads the real module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import Document


class _Deferred:
    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(f"{__package__}.{self._name}")

    def read(self, data: bytes, name: str) -> Document:
        return self._module().read(data, name)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._module(), attr)


docx = _Deferred("docx")
pdf = _Deferred("pdf")
