"""Clean texts: every re-encoding of every seed and corpus text decodes to the same text as its
UTF-8 original, and decoding makes no false repair on any of them.

GB18030 holds every character, so those bytes are exact. Big5 has no Simplified characters and
lacks a few others: a text Big5 cannot hold is published in Big5 as its Traditional version
(OpenCC s2t), in Big5-HKSCS when plain Big5 lacks a character (the toned pinyin of annotated
pages), and the characters Big5-HKSCS cannot hold either are left out; the decoded text is then
compared with the decoded UTF-8 bytes of that same Unicode text (as the Big5 bytes read: one
code, A145, is U+2027 in cp950 and U+2022 `•` in HKSCS).
"""

import codecs
import re

import pytest

from pipelines.decoded.stage import decode_report

from tests.conftest import ROOT, SEED_FILES

CORPUS_FILES = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.txt"))
UNICODE_FORMS = {
    "utf-8-sig": lambda t: t.encode("utf-8-sig"),
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "gb18030": lambda t: t.encode("gb18030"),
}


def big5_form(text: str) -> tuple[str, bytes]:
    """(the Unicode text Big5 bytes stand for, the bytes)."""
    for codec in ("cp950", "big5hkscs"):
        try:
            data = text.encode(codec)
            return _as_read(data), data
        except UnicodeEncodeError:
            pass
    import opencc

    traditional = opencc.OpenCC("s2t").convert(text)
    for codec in ("cp950", "big5hkscs"):
        try:
            data = traditional.encode(codec)
            return _as_read(data), data
        except UnicodeEncodeError:
            pass
    data = traditional.encode("big5hkscs", errors="ignore")
    return _as_read(data), data


def _as_read(data: bytes) -> str:
    """The text Big5 bytes stand for: cp950 reads A145 as U+2027 where HKSCS has U+2022 (•)."""
    try:
        return data.decode("cp950")
    except UnicodeDecodeError:
        return data.decode("big5hkscs")


@pytest.mark.parametrize("path", SEED_FILES + CORPUS_FILES, ids=lambda p: p.stem)
def test_every_reencoding_decodes_to_the_same_text(path):
    original = path.read_text(encoding="utf-8")
    reference = decode_report(original.encode("utf-8"), path.name)
    for name, encode in UNICODE_FORMS.items():
        d = decode_report(encode(original), f"{path.stem}.{name}")
        assert d.text == reference.text, name
        assert d.text_source == reference.text_source, name
    text, data = big5_form(original)
    d = decode_report(data, f"{path.stem}.big5")
    assert d.encoding == "big5"
    assert d.text == decode_report(text.encode("utf-8"), path.name).text


def _only_commas_before_marks_removed(original: str, decoded: str) -> bool:
    """True when `decoded` is `original` less some `,` standing before another mark (a typo such
    as `增长3.2%,。` that the doubled-comma rule mends)."""
    import difflib

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, decoded, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "delete" or original[i1:i2] != "," * (i2 - i1) or original[i2 : i2 + 1] not in set(",，。、;；:：!！?？"):
            return False
    return True


@pytest.mark.parametrize("path", SEED_FILES + CORPUS_FILES, ids=lambda p: p.stem)
def test_clean_texts_are_unchanged(path):
    """No false repair: a text with no annotation comes out as it was, width folded (and the
    two damaged seeds and the annotated corpus pages keep no annotation)."""
    from pipelines.chars import fold_width

    original = path.read_text(encoding="utf-8")
    d = decode_report(original.encode("utf-8"), path.name)
    if d.repairs_pinyin:  # a damaged page: repaired, nothing of the damage left
        assert d.script == "traditional"
        assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]|[\u3400-\u9fff][(（][a-zü]{1,6}[)）]", d.text)
        return
    assert (d.repairs_mojibake, d.repairs_dropped_lines, d.unrecoverable_chars) == (0, 0, 0)
    assert d.text_source == fold_width(original) or _only_commas_before_marks_removed(fold_width(original), d.text_source)
    assert d.script in ("simplified", "traditional")
