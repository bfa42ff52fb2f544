"""Collect annual reports from the web: fetch pages, find the year's report on a unit's listing page, follow
an attachment, and hand (name, bytes) to the importer. Standard library and httpx only, plus the readers'
charset detection; nothing from the store or the app."""

from .fetch import Fetched, FetchOutcome, Job, fetch_all, fetch_one
from .http import FetchError, FetchSettings

__all__ = ["FetchError", "FetchOutcome", "FetchSettings", "Fetched", "Job", "fetch_all", "fetch_one"]
