"""The general repairs of issue 17, one table per rule (texts that must stay unchanged included),
and the damaged copies made by bench/damage.py: correctness on a handful of copies (the mean CER
over all copies is measured by bench/decode_damage.py, not asserted here)."""

import random
import re

import pytest

from bench.damage import clean_text, damage
from bench.decode_damage import LEFTOVER_PINYIN, cer
from pipelines.chars import fold_width
from pipelines.decoded.repair import (
    RepairLog,
    drop_corrupt_duplicate_lines,
    mark_corruption,
    remove_pinyin_annotations,
    repair,
    resync_broken_sites,
)
from pipelines.decoded.script import script_of
from pipelines.decoded.stage import decode_report

from tests.conftest import SEED_FILES, TRADITIONAL
from tests.unit.decoded.test_reencoding import CORPUS_FILES

# --- annotations: neutral tones, both bracket widths ---

ANNOTATION_CASES = [
    ("我們(men)的(de)工作", "我們的工作"),
    ("什麼(me)", "什麼"),
    ("萬柏林區（qū）", "萬柏林區"),
    ("經（jīng）濟(jì)", "經濟"),
    ("孩子（zi）們（men）", "孩子們"),
    # toneless syllables that are no neutral-tone reading of the character before them stay
    ("设施(e)", "设施(e)"),
    ("细颗粒物(pm)", "细颗粒物(pm)"),
    ("区（qu）", "区（qu）"),
    ("年(de)", "年(de)"),
]


@pytest.mark.parametrize("text,expected", ANNOTATION_CASES)
def test_neutral_and_full_width_annotations(text, expected):
    assert remove_pinyin_annotations(text, RepairLog()) == expected


#: brackets that real reports hold: the whole repair leaves them as they are (width folded)
LEGITIMATE_BRACKETS = [
    "地区生产总值(GDP)增长5%",
    "(一)着力抓好项目建设",
    "“十四五”规划(2022-2025年)",
    "管理办法（试行）",
    "投资总额(含)以上",
    "预计数(下同)",
    "居民消费价格(CPI)上涨2%",
    "(记者 李倩)",
    "咖啡(café)",
    "设施(e)",
    "他问:为什么?",
]


@pytest.mark.parametrize("text", LEGITIMATE_BRACKETS)
def test_legitimate_brackets_stay(text):
    out, log = repair(text)
    assert out == fold_width(text)
    assert (log.pinyin, log.mojibake, log.dropped_lines) == (0, 0, 0)


# --- box-drawing dashes ---

DASH_CASES = [
    ("1──7月主要经济指标", "1──7月主要经济指标"),
    ("━━ 本报讯", "━━ 本报讯"),
    ("山西?。┨腥", "山西\ufffd。\ufffd腥"),
    ("单个─横线", "单个\ufffd横线"),
]


@pytest.mark.parametrize("text,expected", DASH_CASES)
def test_box_drawing_dashes_stay_lone_box_characters_are_marked(text, expected):
    assert mark_corruption(text) == expected


# --- the damaged copy of one of the first lines, whatever its length ---

TITLE = "海口經濟上半年經住考驗"
DATELINE = "NBD圖數(shù)館 2018-03-20 10:33:06"
PARAGRAPH = "昨日上午,白云區(qū)十四屆人大五次會議召開。白云區(qū)長余楚風作《政府工作報告》。會議由區(qū)委書記主持。"

DUPLICATE_CASES = [
    # copies made by bench/damage.py (`_desync_copy`), then the clean line
    (f"?？诮洕上半年經住考驗\n{TITLE}\n正文。", 1),
    (f"海口?洕上半年經住考驗\n\n{TITLE}\n正文。", 1),
    (f"NBD?D數(shù)館 2018-03-20 10:33:06\n{DATELINE}\n正文。", 1),
    ("昨日上午,白云區(qū)?膶萌舜笪宕螘h召開。白云區(qū)長余楚風作《政府工作報告》。會議由區(qū)委書記主持。\n" + PARAGRAPH, 1),
    ("昨日上午,白云區(q??十四屆人大五次會議召開。白云區(qū)長余楚風作《政府工作報告》。會議由區(qū)委書記主持。\n" + PARAGRAPH, 1),
    # the copy of the second line, placed first
    (f"?？诮洕上半年經住考驗\n本報訊\n{TITLE}", 1),
    # must stay: a title repeated as a heading, a real question, a question repeated
    (f"{TITLE}\n{TITLE}\n正文。", 0),
    ("经济运行情况如何?\n上半年我省生产总值20576.5亿元。", 0),
    ("经济运行情况如何?\n经济运行情况如何?答案在这里。", 0),
    ("上半年经济运行情况如何?\n下半年经济运行情况如何", 0),
]


@pytest.mark.parametrize("text,dropped", DUPLICATE_CASES)
def test_damaged_copy_of_a_first_line_is_dropped(text, dropped):
    log = RepairLog()
    out = drop_corrupt_duplicate_lines(text, log)
    assert log.dropped_lines == dropped
    if dropped:
        assert out.lstrip("\n").split("\n")[0] in (TITLE, DATELINE, PARAGRAPH, "本報訊")


# --- a line read out of step after an annotation inserted inside a character ---

RESYNC_CASES = [
    # 範（fàn） inserted between the bytes of 營 (GBK A0 49): the bytes give the line back exactly
    ("開展牐╢àn）I業執照", "開展營業執照"),
    # an annotation (shàn) inserted between the bytes of 標 (98 CB), half-width brackets: the lead
    # byte went with `(` into `?`, the trail byte CB opened the stretch read out of step; the
    # checksum (目 is C4 BF; BF 98 is read shàn) gives back the lead 98, and the rest resyncs
    ("預期目?shàn)送瓿汕闆r", "預期目標完成情況"),
    # the same with a syllable that pins no lead byte: 標 is lost (U+FFFD), the rest resyncs
    ("預期目?zhuàn)送瓿汕闆r", "預期目\ufffd完成情況"),
    # 和 (GBK BA CD) with （hé） inserted between its bytes: 海 (BA A3), è, ǎ, ┩ (A9 A3) and so on
    ("大力推進垃圾分類海èǎ┩公廁建設", "大力推進垃圾分類和公廁建設"),
    # no fragment: unchanged
    ("預期目標完成情況", "預期目標完成情況"),
    ("咖啡(café)与茶", "咖啡(café)与茶"),
]


@pytest.mark.parametrize("text,expected", RESYNC_CASES)
def test_out_of_step_line_is_reread(text, expected):
    assert resync_broken_sites(text, RepairLog()) == expected


# --- script: `mixed` only for more than a handful of Traditional characters outside names ---

SCRIPT_CASES = [
    ("市长张曄出席会议并讲话。全年地区生产总值增长百分之五,各项工作稳步推进。", "simplified"),
    ("董事长王燁、总经理李鈺、副总经理陈瑋出席签约仪式,项目总投资十亿元,建设期三年。", "simplified"),
    ("全年地区生产总值增长百分之五,各项工作稳步推进。" * 12 + "區域經濟發展穩中有進,產業結構持續優化。", "mixed"),
    ("區域經濟發展穩中有進,產業結構持續優化。", "traditional"),
    ("全年地区生产总值增长百分之五。", "simplified"),
]


@pytest.mark.parametrize("text,expected", SCRIPT_CASES)
def test_script_of(text, expected):
    assert script_of(text)[0] == expected


# --- damaged copies of real texts: correctness on a handful ---

_SOURCES = [p for p in SEED_FILES if p.stem not in TRADITIONAL][:2] + CORPUS_FILES[::12]


@pytest.mark.parametrize("path", _SOURCES, ids=lambda p: p.stem)
def test_damaged_copies_decode_back(path):
    clean = clean_text(path)
    reference = decode_report(clean.encode("utf-8"), path.name).text
    for k in range(2):
        data, info = damage(clean, random.Random(f"test:{path.stem}:{k}"))
        d = decode_report(data, f"{path.stem}.d{k}")
        assert d.script == "traditional"
        # a character whose bytes a broken pair lost is marked, never guessed: one mark at most
        # for each `?` the broken decoder wrote
        assert d.text.count("\ufffd") - reference.count("\ufffd") <= info.broken_pairs, info
        assert cer(reference, d.text) <= 0.03, info


def test_damage_generator_is_seeded_and_does_damage():
    clean = _SOURCES[0].read_text(encoding="utf-8")
    a, info = damage(clean, random.Random(5))
    b, _ = damage(clean, random.Random(5))
    assert a == b
    text = a.decode("utf-8")
    assert info.annotations > 0 and re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]", text)
    assert cer(clean, text) > 0.05


def test_no_pinyin_nor_question_mark_left_on_damaged_copies():
    """No tone-marked or neutral annotation and no `?` the clean text lacks, on any copy."""
    left = []
    for path in _SOURCES:
        clean = clean_text(path)
        reference = decode_report(clean.encode("utf-8"), path.name).text
        for k in range(2):
            data, _ = damage(clean, random.Random(f"test:{path.stem}:{k}"))
            text = decode_report(data, f"{path.stem}.d{k}").text
            left += LEFTOVER_PINYIN.findall(text) + ["?"] * max(0, text.count("?") - reference.count("?"))
    assert not left
