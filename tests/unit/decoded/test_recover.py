"""Recovering characters whose bytes were partly destroyed (pipelines/decoded/recover.py and the
re-read in repair.py): tables of damaged bytes in and text out, including damage that must stay
U+FFFD because neither the surviving bytes nor the context settle the character."""

import pytest

from bench.damage import _reading, broken_decode
from pipelines.chars import MARK
from pipelines.decoded import recover
from pipelines.decoded.stage import decode_report


def _decode(data: bytes) -> str:
    return decode_report(data, "damaged.txt").text_source


def annotate_inside(text: str, codec: str, index: int, own: bool = False) -> bytes:
    """The mirror's file bytes after the byte-level annotator matched the character formed by the
    trail byte of text[index - 1] and the lead byte of text[index], and wrote its reading after
    it (between the two bytes of text[index]); with `own`, text[index]'s own annotation too.
    Decoded as the mirror did (a lead byte before `(` becomes `?`), saved as UTF-8."""
    before = text[:index].encode(codec)
    lead, trail = text[index].encode(codec)
    straddle = bytes([before[-1], lead]).decode(codec)
    data = before + bytes([lead]) + f"({_reading(straddle)})".encode(codec) + bytes([trail])
    if own:
        data += f"({_reading(text[index])})".encode(codec)
    data += text[index + 1 :].encode(codec)
    return broken_decode(data, codec)[0].encode("utf-8")


#: (codec, clean text, index of the broken character, its own annotation too)
LEGACY_CASES = [
    # Big5 十 is A4 51: the trail byte shows as `Q`; the straddling reading pins the lead
    ("big5hkscs", "市第十六屆人民代表大會", 2, False),
    # GBK 協 is 85 66 (`f`)
    ("gb18030", "請各位政協委員提出意見", 4, False),
    # both bytes lost, the own reading kept: lead from the straddle, trail from the reading
    ("gb18030", "支持學校幼兒園配置", 5, True),
    ("big5hkscs", "以推動高質量發展", 2, True),
    ("gb18030", "紅樹林國際", 3, True),
]


@pytest.mark.parametrize("codec,clean,index,own", LEGACY_CASES)
def test_character_broken_by_an_annotation_inside_it_is_recovered(codec, clean, index, own):
    damaged = annotate_inside(clean, codec, index, own)
    assert "?" in damaged.decode("utf-8")
    assert _decode(damaged) == clean


#: the file bytes (UTF-8, as saved by the mirror) and the text the decoder gives back
RECOVERY_CASES = [
    ("創新生?xián)B鏈", "創新生態鏈"),
    # the trail byte met a line end: the lead from the reading, the trail from the context
    ("2024年目?shàn)?\n完成情況", "2024年目標\n完成情況"),
    # read out of step after the site; re-read in step, the stretch ends in 堅's lead byte and
    # its own annotation follows
    ("目標奠?yú)▓?jiān)實(shí)基礎。", "目標奠定堅實基礎。"),
    # Big5: the re-read with the trail byte known (結 B5 B2) brings back 構 (BA 63, `c`) too
    ("供給側(cè)?chēng)硎c(gòu)性改革", "供給側結構性改革"),
    # the re-read ends in a lead byte whose trail was lost before the line end: 計劃
    ("經濟發展規劃?xún)⒂媱?\n體裁", "經濟發展規劃、計劃\n體裁"),
    # a full-width mark is a candidate too (Big5 ” A1 A8)
    ("盛景?mǎn)赤?de)殷切希望", "盛景”的殷切希望"),
]

#: damage that stays marked: the candidates fitting the bytes are several and the context does
#: not choose (核算 or 核酸; a name), the trail byte is lost and the lead's characters are many,
#: a stretch read across dropped private-use pairs, no byte left at all
STAYS_MARKED = [
    ("初步覈(hé)?niè)?全年實現", "初步覈" + MARK * 2 + "全年實現"),
    ("一審:熊敏二?chuài)?羅曦三審", "一審:熊敏二" + MARK * 2 + "羅曦三審"),
    ("村示範帲▃hēng）?,積（jī）極創（chuàng）建", "村示範" + MARK + ",積極創建"),
    ("有序?qū)嵤叭印睆?fù)流試點", "有序" + MARK * 6 + "流試點"),
    ("生日新月異的" + MARK + "化。", "生日新月異的" + MARK + "化。"),
]

#: clean text: nothing to recover, nothing changed
UNCHANGED = [
    "第十六屆人民代表大會第二次會議",
    "他問:為什麼?答案在這裡。",
    "增長率(%)?待定",
    "A?B與C?D",
]


@pytest.mark.parametrize("text,expected", RECOVERY_CASES + STAYS_MARKED)
def test_damaged_bytes_decode_to(text, expected):
    assert _decode(text.encode("utf-8")) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_clean_text_is_unchanged(text):
    assert _decode(text.encode("utf-8")) == text


# --- the word model and the choice ---

CHOICES = [
    # (left, candidates, right, chosen)
    ("市第", {"十", "卅"}, "六屆", "十"),
    ("學校幼", {"兒", "児"}, "園", "兒"),
    ("初步核", {"算", "酸"}, "全年", None),  # both make a word: no clear winner
    ("全國首", {"泞"}, "刃唯一", None),  # the only candidate, but rare and in no word
    ("盛景", {"”"}, "的殷切", "”"),
]


@pytest.mark.parametrize("left,candidates,right,chosen", CHOICES)
def test_choose(left, candidates, right, chosen):
    assert recover.choose(left, candidates, right) == chosen


@pytest.mark.parametrize(
    "stretch,plausible",
    [("唯一“五星市場", True), ("定", True), ("結構", True), ("拾扔”", False), ("泞刃", False)],
)
def test_a_stretch_read_across_dropped_bytes_is_implausible(stretch, plausible):
    assert recover.plausible(stretch) is plausible


def test_word_fillers_come_from_the_dictionary():
    assert "儿" in recover.word_fillers("学校幼", "园")
    assert recover.word_fillers("", "") == set()
