"""Bounded cost: the rules read a window around each number, so a very long line costs time
linear in its length (measured in bench/pathological.py, never asserted here). These tests check
that the window changes nothing a reader can see: a year, a list lead-in or 去年 far back in a long
sentence still counts, and an over-long clause is shown around each number."""

from pipelines.extracted.indicators import ReportContext
from pipelines.rules import limit

from .test_indicators import rows_of

CTX = ReportContext("r", "某区", review_year=2022, plan_year=2023)
BACK = limit("indicator_rules.yaml", "context_before_chars")
FILLER = "加快推进城市更新和乡村振兴，" * (BACK // 7 + 2)  # longer than the window, no number in it


def test_a_year_far_back_in_the_sentence_still_dates_the_number():
    rows = rows_of(f"2021年，{FILLER}地区生产总值增长6.5%。", CTX)
    assert [(r["value"], r["year"], r["kind"]) for r in rows] == [(6.5, 2021, "actual")]


def test_a_list_lead_in_far_back_still_marks_targets():
    rows = rows_of(f"今年主要预期目标是：{FILLER}地区生产总值增长6.5%。", ReportContext("r", None, None, None))
    assert [(r["value"], r["kind"]) for r in rows] == [(6.5, "target")]


def test_last_year_far_back_in_the_sentence_still_counts():
    rows = rows_of(f"去年，{FILLER}地区生产总值增长6.5%。", ReportContext("r", None, None, 2023))
    assert rows[0]["year"] == 2022


def test_an_over_long_clause_is_shown_around_each_number():
    line = "，".join(f"第{k}项投资{k}.5亿元" for k in range(1, 400))
    rows = rows_of(f"今年，{line}。", CTX)
    cap = limit("indicator_rules.yaml", "clause_text_max_chars")
    assert len(rows) == 399
    for r in rows[:3] + rows[-3:]:
        assert len(r["text"]) <= cap + 2 and f"{r['value']}亿元" in r["text"]
    assert rows[0]["text"].endswith("…") and rows[-1]["text"].startswith("…")


def test_a_short_clause_is_shown_whole():
    rows = rows_of("一年来,地区生产总值完成620.5亿元,同比增长2.5%。", CTX)
    assert {r["text"] for r in rows} == {"一年来,地区生产总值完成620.5亿元,同比增长2.5%。"}


def test_a_one_line_table_takes_its_year_from_the_title_however_long():
    cells = "".join(f"| 项{k} | {k}.5 | -{k % 9}.1 |" for k in range(1, 300))
    rows = rows_of(f"2021年主要指标 | 指标 | 绝对数(亿元) | 增长(%) |{cells}\n", CTX)
    assert len(rows) == 2 * 299 and {r["year"] for r in rows} == {2021}
    assert rows[-1]["value"] == -(299 % 9 + 0.1) and rows[-1]["measure"] == "growth_rate"


def test_pathological_lines_give_rows_for_every_kind_and_size():
    from bench.pathological import LINES, measure, pathological_line

    for kind in LINES:
        assert len(pathological_line(kind, 3000)) == 3000
    rows = measure((500, 1_500))
    assert [(r["line"], r["chars"]) for r in rows] == [(k, n) for k in LINES for n in (500, 1_500)]
    for r in rows:
        assert r["total_s"] >= 0 and set(r) >= {"decode_s", "segment_s", "extract_s", "indicators"}
    amounts = [r["indicators"] for r in rows if r["line"].startswith("1.5亿元")]
    assert amounts[1] > amounts[0] > 50  # every amount of the list is read


def test_results_are_merged_into_the_day_file(tmp_path, monkeypatch):
    import datetime as dt
    import json

    import bench.pathological as p

    monkeypatch.setattr(p, "RESULTS", tmp_path)
    day = dt.date(2026, 12, 2)
    (tmp_path / "2026-12-02.json").write_text(json.dumps({"throughput": {"x": 1}}))
    p.merge_into_results("pathological_lines", {"rows": []}, day)
    assert json.loads((tmp_path / "2026-12-02.json").read_text()) == {"throughput": {"x": 1}, "pathological_lines": {"rows": []}}
