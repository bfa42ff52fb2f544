"""gi-analytics: read, check and compare township annual reports on government information disclosure."""

__version__ = "0.1.0"
