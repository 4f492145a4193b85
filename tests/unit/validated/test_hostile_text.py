"""Hostile text beside the seeds, through every stage and the release gate (no Dagster): control
and format characters are removed and counted, a figure they hid is read at the right offsets,
signed numbers are read, an absurd amount or percentage is published with a warning; the seeds'
rows are the same as without the hostile report and the gate passes."""

import shutil

import pytest

from tests.conftest import SEED_FILES

HIDDEN = [
    # (text as written, the figure the decoded text must show, value)
    ("一年来,地区生产总值增长\u200e6.5%。", "6.5%", 6.5),
    ("一年来,固定资产投资完成1\u200b23亿元。", "123亿元", 123.0),
    ("一年来,社会消费品零售总额增长\u202e3.2\u202c%。", "3.2%", 3.2),
    ("一年来,一般公共预算收入完成4\u00005.6亿元。", "45.6亿元", 45.6),
    ("一年来,税收收入增长\u2066-2.5%\u2069。", "-2.5%", -2.5),
    ("一年来,城镇新增就业1\ufeff200人。", "1200人", 1200.0),
    ("一年来,粮食产量达\u00ad8.5万吨。", "8.5万吨", 8.5),
    ("一年来,进出口总额增长\x1b7.7%。", "7.7%", 7.7),
    ("一年来,实际使用外资增长\x851.5%。", "1.5%", 1.5),
]
ABSURD = ["一年来,地区生产总值完成1000000000000000000000000000000亿元。", "一年来,高新技术企业营收增长900%。"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.local import tables_for_folder

    folder = tmp_path_factory.mktemp("hostile")
    for seed in SEED_FILES[:1]:  # one seed keeps it cheap; the rules are the same for all
        for p in (seed, seed.with_suffix(".yaml")):
            if p.exists():
                shutil.copy(p, folder / p.name)
    seeds_only, rejected = tables_for_folder(folder)
    assert not rejected
    lines = ["某区2023年政府工作报告", "一、2022年工作回顾", *[t for t, _, _ in HIDDEN], *ABSURD, "一年来,三次产业分别增长−4.7%、－1.3%和-2.2%。"]
    (folder / "zz_hostile.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tables, rejected = tables_for_folder(folder)
    assert not rejected
    return seeds_only, tables


def hostile(df):
    return df[df["report_id"] == "zz_hostile"]


def test_controls_are_removed_and_counted(built):
    _, tables = built
    report = hostile(tables["reports"]).iloc[0]
    assert report["repairs_invisible"] == sum(1 for t, _, _ in HIDDEN for c in t if c in "\u200e\u200b\u202e\u202c\u0000\u2066\u2069\ufeff\u00ad\x1b\x85")
    for text in hostile(tables["sentences"])["text"]:
        assert not any(c in text for c in "\u200e\u200b\u202e\u202c\u0000\u2066\u2069\ufeff\u00ad\x1b\x85")


def test_a_figure_hidden_next_to_them_is_read_at_the_right_offsets(built):
    _, tables = built
    rows = hostile(tables["indicators"])
    sentences = hostile(tables["sentences"])
    for _, shown, value in HIDDEN:
        row = rows[rows["value"] == value].iloc[0]
        sentence = sentences[sentences["sentence_id"] == row["sentence_id"]].iloc[0]
        # offsets refer to the published decoded text: the sentence holds the span at the same place
        assert sentence["text"][row["start"] - sentence["start"]: row["end"] - sentence["start"]] == shown


def test_signed_list_items(built):
    _, tables = built
    assert {-4.7, -1.3, -2.2} <= set(hostile(tables["indicators"])["value"])


def test_seeds_rows_are_unchanged(built):
    seeds_only, tables = built
    for name in ("indicators", "sentences"):
        a = seeds_only[name].reset_index(drop=True)
        b = tables[name][tables[name]["report_id"] != "zz_hostile"].reset_index(drop=True)
        assert a.equals(b), name


def test_absurd_magnitudes_pass_the_gate_with_warnings(built):
    from expectations.gate import run_gate

    _, tables = built
    result = run_gate("indicators", tables["indicators"], tables)
    assert result.passed, [o.describe() for o in result.failures]
    warned = {(o.column, o.unexpected_count) for o in result.warnings}
    # one row each: the hostile report's, none of the seeds'
    assert ("value_std", 1) in warned and ("value", 1) in warned
