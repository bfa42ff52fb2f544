"""Report parser: a Document (text blocks and grids) -> a typed Report with its problems. Pure; never raises
on messy input."""

from __future__ import annotations

from ..ingest import Document
from ..model import Report


def parse_document(doc: Document) -> Report:
    """Parse one document into a Report (work in progress: returns an empty report)."""
    return Report(source=doc.name)
