"""The one time written into a release (release.json `created`, datapackage.json, the data card,
the Data Docs pages, index.json): SOURCE_DATE_EPOCH when set, else the newest input file's
modification time, so the same inputs and code give the same bytes on any machine and in any
folder (https://reproducible-builds.org/specs/source-date-epoch/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path


def release_time(source_date_epoch: int | None, inputs: Iterable[Path]) -> dt.datetime:
    """UTC, whole seconds. Without SOURCE_DATE_EPOCH: the newest mtime of `inputs` (the report
    files and their sidecars), 1970-01-01 when there are none."""
    if source_date_epoch is None:
        mtimes = [p.stat().st_mtime for p in inputs if p.exists()]
        source_date_epoch = int(max(mtimes)) if mtimes else 0
    return dt.datetime.fromtimestamp(source_date_epoch, dt.timezone.utc)


def release_inputs(reports: Iterable[Path]) -> list[Path]:
    """The report files and the sidecars (`<report_id>.yaml`) beside them."""
    out = []
    for path in reports:
        out.append(path)
        sidecar = path.with_suffix(".yaml")
        if sidecar != path and sidecar.exists():
            out.append(sidecar)
    return out
