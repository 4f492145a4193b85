"""Sidecars: parsed with limits, checked by the typed model against the registry's bounds and
vocabularies. Each row: sidecar text -> the fields kept, or the words of the refusal."""

import datetime as dt

import pytest

from pipelines.errors import ReportRejected
from pipelines.raw.sidecar import MAX_SIDECAR_BYTES, load_sidecar

ACCEPTED = [
    ("", {}),
    ("# only a comment\n", {}),
    ("title: 某区政府工作报告\n", {"title": "某区政府工作报告"}),
    ("review_year: 2023\nplan_year: 2024\n", {"review_year": 2023, "plan_year": 2024}),
    ("admin_code: 140107\n", {"admin_code": "140107"}),  # read as a number, kept as the code
    ("admin_code: '140107'\n", {"admin_code": "140107"}),
    ("published_date: 2024-01-15\n", {"published_date": dt.date(2024, 1, 15)}),
    ("published_date: '2024-01-15'\n", {"published_date": dt.date(2024, 1, 15)}),
    ("accessed_date: 2024-01-15 10:30:00\n", {"accessed_date": dt.date(2024, 1, 15)}),
    ("report_type: news\n", {"report_type": "news"}),
    ("district: null\n", {"district": None}),
    ("source_url: unknown\nsource_licence: unknown\n", {"source_url": "unknown", "source_licence": "unknown"}),
    ("\ufefftitle: 带BOM\n", {"title": "带BOM"}),
    ("review_year: 1949\n", {"review_year": 1949}),  # the registry's bounds, inclusive
    ("plan_year: 2100\n", {"plan_year": 2100}),
]

REFUSED = [
    ("review_year: 30000\n", "'review_year' must be less than or equal to 2100"),
    ("review_year: 1800\n", "'review_year' must be greater than or equal to 1949"),
    ("plan_year: -5\n", "'plan_year' must be greater than or equal"),
    ("review_year: '2023'\n", "'review_year' must be a whole number"),
    ("review_year: true\n", "'review_year' must be a whole number"),
    ("review_year: 2023.5\n", "'review_year' must be a whole number"),
    ("report_type: memo\n", "'report_type' must be one of government_work_report"),
    ("admin_code: 14010\n", "six-digit"),
    ("admin_code: '../../etc/passwd'\n", "six-digit"),
    ("published_date: 20230101\n", "not a date"),  # a number is no date (pydantic would read a timestamp)
    ("published_date: 2023-13-45\n", "a value cannot be read: month must be in 1..12"),
    ("published_date: 0999-01-01\n", "between 1949 and 2100"),
    ("accessed_date: 3000-01-01\n", "between 1949 and 2100"),
    ("title: [a, b]\n", "'title' must be text"),
    ("title: {a: 1}\n", "'title' must be text"),
    ("title: 2024-01-15\n", "'title' must be text"),
    ("title: \"a\\u202eb\"\n", "control or invisible"),
    ("title: \"a\\x00b\"\n", "control or invisible"),
    ("title: '" + "字" * 1001 + "'\n", "over 1,000"),
    ("colour: 红\n", "unknown field 'colour'"),
    ("1: x\n", "unknown field '1'"),
    ("- title\n- city\n", "must be a mapping"),
    ("just text\n", "must be a mapping"),
    ("plan_year: [2024\n  district: :", "not valid YAML"),
    ("a: &a x\nb: *a\n", "anchors or aliases"),
    ("title: &t x\n", "anchors or aliases"),
    ("a: &a [x, x]\nb: [*a, *a]\nc: [*b, *b]\n", "anchors or aliases"),
    ("title: " + "[" * 100 + "]" * 100 + "\n", "nests"),
    ("title: " + "[" * 60000 + "\n", "nests"),  # refused before the parser's recursion is reached
    ("t: [" + ", ".join(["x"] * 2000) + "]\n", "more than 1000 YAML nodes"),
]


@pytest.mark.parametrize("text,fields", ACCEPTED, ids=[t[:30] for t, _ in ACCEPTED])
def test_sidecars_accepted(tmp_path, text, fields):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_sidecar(path) == fields


@pytest.mark.parametrize("text,words", REFUSED, ids=[t[:30] for t, _ in REFUSED])
def test_sidecars_refused_with_a_one_line_reason(tmp_path, text, words):
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportRejected) as info:
        load_sidecar(path)
    assert info.value.source == "r.yaml"
    assert words in info.value.reason and "\n" not in info.value.reason, info.value.reason
    assert len(info.value.reason) < 400


def test_an_over_size_or_non_utf8_sidecar_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_bytes(b"title: '" + b"x" * MAX_SIDECAR_BYTES + b"'\n")
    with pytest.raises(ReportRejected, match="over the limit"):
        load_sidecar(path)
    path.write_bytes("title: 某区\n".encode("gb18030"))
    with pytest.raises(ReportRejected, match="not UTF-8"):
        load_sidecar(path)
