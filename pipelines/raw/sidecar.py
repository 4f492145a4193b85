"""The curated sidecar `<report_id>.yaml` next to a report: a curator's record whose values win
over what extraction infers. A malformed file or an unknown field refuses the report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from ..errors import ReportRejected

#: fields a curator may set in a sidecar, with their types
SIDECAR_FIELDS = {
    "title": str,
    "province": str,
    "city": str,
    "district": str,
    "admin_code": str,
    "report_type": str,
    "review_year": int,
    "plan_year": int,
    "published_date": dt.date,
    "outlet": str,
    "authors": str,
    # provenance: where the curator obtained the text and under what terms (`unknown` when not known)
    "source_url": str,
    "source_publisher": str,
    "source_licence": str,
    "accessed_date": dt.date,
}
#: the provenance fields: only a curator knows them, so they are never "inferred" and are not
#: listed in `curated_fields`
PROVENANCE_FIELDS = ("source_url", "source_publisher", "source_licence", "accessed_date")


def load_sidecar(path: Path) -> dict:
    """Read and check a sidecar; a malformed file or an unknown field refuses the report."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReportRejected(path.name, f"the sidecar is not valid YAML ({str(exc).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReportRejected(path.name, "the sidecar must be a mapping of field: value")
    out = {}
    for key, value in data.items():
        if key not in SIDECAR_FIELDS:
            raise ReportRejected(path.name, f"the sidecar sets unknown field {key!r} (allowed: {', '.join(SIDECAR_FIELDS)})")
        want = SIDECAR_FIELDS[key]
        if value is None:
            out[key] = None
            continue
        if want is dt.date and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                raise ReportRejected(path.name, f"the sidecar field {key!r} is not a date (YYYY-MM-DD): {value!r}") from None
        if want is str and isinstance(value, int):
            value = str(value)
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ReportRejected(path.name, f"the sidecar field {key!r} must be {want.__name__}, got {value!r}")
        if key == "report_type" and value not in _report_types():
            raise ReportRejected(path.name, f"the sidecar field 'report_type' must be one of {', '.join(_report_types())}, got {value!r}")
        out[key] = value
    return out


def _report_types() -> tuple[str, ...]:
    # imported here: the registry pulls in pandas and pyarrow, which a no-op `cgr build` never needs
    from ..registry import REPORT_TYPES

    return REPORT_TYPES
