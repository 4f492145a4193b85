"""Signed numbers: a minus written before a percentage (hyphen, U+2212, full width) gives a negative
value; hyphens of ranges, dates and codes stay what they are; a percentage is kept inside the
gate's bounds for its measure (a negative share is a ratio; beyond ±1000% it is not read)."""

import json

import pytest

from pipelines.decoded.stage import decode_report
from pipelines.extracted.indicators import plausible_measure
from pipelines.rules import load_yaml

from .test_indicators import rows_of

CASES = [
    ("一年来,规上工业增加值增长-5.2%。", [(-5.2, None, "growth_rate")]),
    ("一年来,规上工业增加值增长−5.2%。", [(-5.2, None, "growth_rate")]),
    ("一年来,规上工业增加值增长－5.2%。", [(-5.2, None, "growth_rate")]),
    ("一年来,规上工业增加值同比-5.2%。", [(-5.2, None, "growth_rate")]),
    ("一年来,对经济增长的贡献率为-8.2%。", [(-8.2, None, "ratio")]),
    ("一年来,城镇化率增长-0.4个百分点。", [(-0.4, None, "change")]),
    # the sign of each list item is its own; the cue word is shared
    ("一年来,三次产业分别增长-4.7%、-1.3%和2.2%。", [(-4.7, None, "growth_rate"), (-1.3, None, "growth_rate"), (2.2, None, "growth_rate")]),
    # a negative percentage with no cue is not a share (a share is 0-100): a ratio
    ("一年来,工业投资占比-5%。", [(-5.0, None, "ratio")]),
    ("一年来,工业投资增长-150%。", [(-150.0, None, "ratio")]),
    # beyond the ratio bounds: not a reading of a report (it would block every release)
    ("一年来,项目完成率-1500%。", []),
    ("一年来,项目完成率5000%。", []),
    # hyphens that are no signs: ranges, dates, codes, a minus before a non-percentage
    ("“十四五”(2021-2025年)期间,投资5-10亿元。", [(5.0, 10.0, "amount")]),
    ("今年,开发3-5款定制化产品。", [(3.0, 5.0, "amount")]),
    ("2023-05-12,地区生产总值620.5亿元。", [(620.5, None, "amount")]),
    ("一年来,1-9月规上工业增加值增长-3.5%。", [(-3.5, None, "growth_rate")]),
    ("一年来,COVID-19%的样本。", []),
    ("一年来,G5-12%的路段。", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_signed_numbers_in_text(text, expected):
    rows = rows_of(text)
    assert [(r["value"], r["value_max"], r["measure"]) for r in rows] == expected
    for r in rows:
        assert r["value_std"] == r["value"] or r["measure"] == "amount"


def test_the_sign_is_part_of_the_span_in_decoded_text():
    d = decode_report("一年来,规上工业增加值同比－5.2%。".encode("utf-8"))
    rows = rows_of(d.text)
    assert d.text[rows[0]["start"]:rows[0]["end"]] == "-5.2%"  # the full-width minus folded in decoding


def test_signed_cells_of_a_table():
    text = ("2023年主要指标\n| 指标 | 绝对数(亿元) | 比上年增长(%) | 比重(%) |\n| 地区生产总值 | 620.5 | -5.2 | 100 |\n"
            "| 工业增加值 | 100.1 | −3.1 | -2.0 |\n| 建筑业增加值 | 10.1 | -2500 | 1.6 |\n")
    rows = rows_of(text)
    got = {(r["metric"], r["value"], r["measure"]) for r in rows}
    assert {("地区生产总值", -5.2, "growth_rate"), ("工业增加值", -3.1, "growth_rate"), ("工业增加值", -2.0, "ratio")} <= got
    assert not any(r["value"] == -2500 for r in rows)


def test_percent_bounds_are_the_gate_bounds():
    suite = json.loads(open("expectations/suites/indicators.json", encoding="utf-8").read())
    gate = {e["kwargs"]["row_condition"].split('"')[1]: [e["kwargs"]["min_value"], e["kwargs"]["max_value"]]
            for e in suite["expectations"] if e["kwargs"].get("column") == "value" and "row_condition" in e["kwargs"] and e["severity"] == "critical"}
    assert {k: list(v) for k, v in load_yaml("indicator_rules.yaml")["percent_bounds"].items()} == gate


@pytest.mark.parametrize("measure,value,expected", [
    ("share", 50, "share"), ("share", -1, "ratio"), ("share", 150, "ratio"), ("growth_rate", -100, "growth_rate"),
    ("growth_rate", -100.5, "ratio"), ("ratio", 1000, "ratio"), ("ratio", 1000.5, None), ("amount", -5, "amount"), ("change", -2000, "change"),
])
def test_plausible_measure(measure, value, expected):
    assert plausible_measure(measure, value) == expected
