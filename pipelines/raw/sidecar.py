"""The curated sidecar `<report_id>.yaml` next to a report: a curator's record whose values win
over what extraction infers. It is parsed with limits (size, nesting, no anchors or aliases) and
checked by a typed model whose bounds and vocabularies are the registry's, so a value the gate
would block refuses this report alone. A malformed file or an unknown field refuses the report."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
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

#: a sidecar is a few hundred bytes; anything near this is not a curator's record
MAX_SIDECAR_BYTES = 64 * 1024
#: YAML events allowed (a flat mapping of 15 fields needs ~35) and nesting allowed (the mapping
#: itself; a value that is a list or mapping is refused by the model anyway, this stops deep input
#: before it is built)
MAX_EVENTS = 1000
MAX_DEPTH = 2
MAX_TEXT = 1000  # characters of one text value
#: the years the registry allows for a report (reports.review_year) bound every date too
ADMIN_CODE = re.compile(r"^\d{6}$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def parse_limited(text: str, name: str):
    """YAML with limits: nesting depth, number of events, and no anchors or aliases (an alias
    bomb expands a few lines into billions of nodes). Then the safe loader builds it."""
    depth = events = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            events += 1
            if events > MAX_EVENTS:
                raise ReportRejected(name, f"the sidecar has more than {MAX_EVENTS} YAML nodes; it should be a short mapping of field: value")
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ReportRejected(name, "the sidecar uses YAML anchors or aliases (&, *); write each value out")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ReportRejected(name, "the sidecar nests lists or mappings; every field takes one plain value")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReportRejected(name, f"the sidecar is not valid YAML ({str(exc).splitlines()[0]})") from None
    except (ValueError, OverflowError) as exc:  # a value the safe loader cannot build (2023-13-45)
        raise ReportRejected(name, f"the sidecar is not valid YAML (a value cannot be read: {str(exc).splitlines()[0]})") from None


@lru_cache(maxsize=1)
def sidecar_model():
    """The typed model of a sidecar, built once from SIDECAR_FIELDS and the registry's
    `reports` bounds and vocabularies (imported here: the registry pulls in pandas and pyarrow,
    which a no-op `cgr build` never needs)."""
    from typing import Annotated, Optional

    from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StrictInt, create_model

    from ..registry import REPORTS

    years = REPORTS.field("review_year")
    low, high = int(years.minimum), int(years.maximum)

    def text(value):
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # `admin_code: 140107` or `title: 2023` read as a number
        return value

    def clean(value: str) -> str:
        if CONTROL.search(value):
            raise ValueError("holds control or invisible format characters")
        if len(value) > MAX_TEXT:
            raise ValueError(f"is {len(value):,} characters, over {MAX_TEXT:,}")
        return value

    def a_date(value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, (dt.date, str)):
            return value
        raise ValueError("is not a date (YYYY-MM-DD)")  # pydantic would read a number as a timestamp

    def in_years(value: dt.date) -> dt.date:
        if not low <= value.year <= high:
            raise ValueError(f"must be a date between {low} and {high}")
        return value

    def one_of(vocabulary):
        def check(value: str) -> str:
            if value not in vocabulary:
                raise ValueError(f"must be one of {', '.join(vocabulary)}")
            return value
        return check

    def code(value: str) -> str:
        if not ADMIN_CODE.match(value):
            raise ValueError("must be a six-digit GB/T 2260 code")
        return value

    fields = {}
    for name, kind in SIDECAR_FIELDS.items():
        column = REPORTS.field(name)
        if kind is int:
            annotation = Annotated[StrictInt, Field(ge=column.minimum, le=column.maximum)]
        elif kind is dt.date:
            annotation = Annotated[dt.date, BeforeValidator(a_date), AfterValidator(in_years)]
        else:
            checks = [AfterValidator(clean)]
            if column.enum:
                checks.append(AfterValidator(one_of(column.enum)))
            if name == "admin_code":
                checks.append(AfterValidator(code))
            annotation = Annotated[str, BeforeValidator(text), *checks]
        fields[name] = (Optional[annotation], None)
    return create_model("Sidecar", __config__=ConfigDict(extra="forbid", strict=False), **fields)


def load_sidecar(path: Path, data: bytes | None = None) -> dict:
    """Read and check a sidecar (`data`: its bytes when the caller has read them already); a
    malformed file, an unknown field or a value out of the registry's bounds refuses the report.
    Returns only the fields the curator set."""
    if data is None:
        if not path.exists():
            return {}
        data = path.read_bytes()
    if len(data) > MAX_SIDECAR_BYTES:
        raise ReportRejected(path.name, f"the sidecar is {len(data):,} bytes, over the limit of {MAX_SIDECAR_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportRejected(path.name, "the sidecar is not UTF-8 text") from None
    parsed = parse_limited(text, path.name)
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise ReportRejected(path.name, "the sidecar must be a mapping of field: value")
    unknown = [k for k in parsed if k not in SIDECAR_FIELDS]
    if unknown:
        raise ReportRejected(path.name, f"the sidecar sets unknown field {str(unknown[0])!r} (allowed: {', '.join(SIDECAR_FIELDS)})")
    from pydantic import ValidationError

    try:
        model = sidecar_model().model_validate(parsed)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"][:1])
        raise ReportRejected(path.name, f"the sidecar field {key!r} {_explain(error)}, got {_short(parsed.get(key))}") from None
    return {k: getattr(model, k) for k in parsed}


def _explain(error: dict) -> str:
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number (int)"
    if kind in ("string_type",):
        return "must be text (str)"
    if kind.startswith("date") or message.startswith("is not a date"):
        return "is not a date (YYYY-MM-DD)"
    if kind in ("greater_than_equal", "less_than_equal"):
        return message.replace("Input should be", "must be")
    return message


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
