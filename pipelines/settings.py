"""Configuration read from the environment (names are part of the public interface)."""

from __future__ import annotations

import os
from pathlib import Path

#: Reports larger than this are refused before being read (a report is a few hundred KB at most).
DEFAULT_MAX_REPORT_BYTES = 20 * 1024 * 1024


def reports_dir() -> Path:
    return Path(os.environ.get("CGR_REPORTS_DIR", "seeds")).resolve()


def data_dir() -> Path:
    return Path(os.environ.get("CGR_DATA_DIR", "data")).resolve()


def releases_dir() -> Path:
    return Path(os.environ.get("CGR_RELEASES_DIR", "releases")).resolve()


def max_report_bytes() -> int:
    return int(os.environ.get("CGR_MAX_REPORT_BYTES", DEFAULT_MAX_REPORT_BYTES))
