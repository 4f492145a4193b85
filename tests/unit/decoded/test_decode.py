"""Decoded stage: encodings, repairs (table-driven), the seeds' damage, and refused input."""

import re

import pytest

from pipelines.chars import fold_width
from pipelines.decoded.encoding import decode_bytes
from pipelines.decoded.stage import decode_report
from pipelines.errors import ReportRejected
from pipelines.raw.stage import read_report_bytes
from pipelines.decoded.repair import (
    RepairLog,
    mark_corruption,
    remove_doubled_commas,
    remove_pinyin_annotations,
    repair,
)

from tests.conftest import SEED_FILES, TRADITIONAL

TONED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


# --- table-driven rules: input -> expected (texts that must stay unchanged included) ---

PINYIN_CASES = [
    ("萬柏林區(qū)", "萬柏林區"),
    ("經(jīng)濟(jì)", "經濟"),
    ("女(nǚ)", "女"),
    ("绿(lǜ)化", "绿化"),
    ("规划(2022-2025年)", "规划(2022-2025年)"),
    ("(一)着力抓好", "(一)着力抓好"),
    ("生产总值(GDP)", "生产总值(GDP)"),
    ("玉门河街(开城东路-普国路)", "玉门河街(开城东路-普国路)"),
    ("咖啡(café)", "咖啡(café)"),
    ("字(Yíng)", "字(Yíng)"),
    ("ABC(ā)", "ABC(ā)"),
    ("设施(e)", "设施(e)"),
]


@pytest.mark.parametrize("text,expected", PINYIN_CASES)
def test_pinyin_annotation_rule(text, expected):
    assert remove_pinyin_annotations(text, RepairLog()) == expected


COMMA_CASES = [
    ("召开,。会上", "召开。会上"),
    ("1月12日,,杏花岭", "1月12日,杏花岭"),
    ("优势,、挖掘", "优势、挖掘"),
    ("体系,;坚持", "体系;坚持"),
    ("完成620.5亿元,同比增长2.5%", "完成620.5亿元,同比增长2.5%"),
    ("“七区”,", "“七区”,"),
]


@pytest.mark.parametrize("text,expected", COMMA_CASES)
def test_doubled_comma_rule(text, expected):
    assert remove_doubled_commas(text, RepairLog()) == expected


FOLD_CASES = [
    ("聚焦PM₁₀、PM_{2.5}、O₃", "聚焦PM10、PM2.5、O3"),
    ("全年，完成（一）；", "全年,完成(一);"),
    ("“四好农村路”、Ⅲ类水质。⑾", "“四好农村路”、Ⅲ类水质。⑾"),
    ("１２３ＡＢＣ\u3000中", "123ABC 中"),
]


@pytest.mark.parametrize("text,expected", FOLD_CASES)
def test_width_fold_rule(text, expected):
    assert fold_width(text) == expected


CORRUPTION_CASES = [
    ("開展?fàn)營業", "開展\ufffd營業"),
    ("圍繞燃?xì)狻⑾?、建築", "圍繞燃\ufffd\ufffd\ufffd\ufffd、建築"),
    # a letter glued to an annotation inside a damaged stretch is a trail byte read out of step
    ("建筑、?;返戎攸c(diǎn)領", "建筑、\ufffd;返戎攸\ufffd領"),
    # in step: the annotator matched (trail byte of 村, letter e) as 錯, the letter is real text
    ("鄉村e（cuò）鎮", "鄉村e鎮"),
    ("山西?。┨腥", "山西\ufffd。\ufffd腥"),
    ("他问:为什么?", "他问:为什么?"),
    ("私\ue091用", "私\ufffd用"),
]


@pytest.mark.parametrize("text,expected", CORRUPTION_CASES)
def test_corruption_marking_rule(text, expected):
    assert mark_corruption(text) == expected


RESTORE_CASES = [
    ("開展?fàn)I業", "開展營業", 1),
    ("支持?jǐn)?shù)字", "支持數字", 1),
    ("堅持?jǐn)U大", "堅持擴大", 1),
    ("為要?jiǎng)?wù),", "為要務,", 1),
]


@pytest.mark.parametrize("text,expected,restored", RESTORE_CASES)
def test_pinyin_checksum_restores_broken_characters(text, expected, restored):
    out, log = repair(text)
    assert out == expected
    assert log.mojibake == restored


def test_invisible_characters_inside_numbers_are_removed():
    out, _ = repair("地区生产总值6\u200b2\u200b0.5亿元\r\n")
    assert out == "地区生产总值620.5亿元\n"


# --- the seeds ---


@pytest.mark.parametrize("stem,pinyin,commas", [("002_2e2771ea7a10172a", 1065, 0), ("004_932117ff3934a2a4", 221, 60)])
def test_damaged_seeds_are_repaired(decoded_seeds, stem, pinyin, commas):
    d = decoded_seeds[stem]
    assert d.repairs_pinyin == pinyin
    assert d.repairs_punctuation == commas
    assert d.script == "traditional"
    assert not TONED.search(d.text)
    assert "?" not in d.text
    assert not re.search(r"[\ue000-\uf8ff\u2500-\u257f]", d.text)
    assert not re.search(r",[,，。、;；]", d.text)
    assert d.unrecoverable_chars == d.text.count("\ufffd")


def test_damaged_sites_restored_or_marked(decoded_seeds):
    d2, d4 = decoded_seeds["002_2e2771ea7a10172a"], decoded_seeds["004_932117ff3934a2a4"]
    assert d2.repairs_dropped_lines == 1
    assert d2.text.startswith("太原市万柏林区2022年")
    assert "开展营业执照" in d2.text and "支持数字经济" in d2.text
    assert "坚持扩大投资" in d4.text and "为要务" in d4.text
    assert d2.repairs_mojibake + d4.repairs_mojibake >= 4
    assert d2.unrecoverable_chars > 0  # the two sites the checksum cannot pin down


@pytest.mark.parametrize("path", [p for p in SEED_FILES if p.stem not in TRADITIONAL], ids=lambda p: p.stem)
def test_simplified_seeds_have_no_false_repairs(path):
    original = path.read_text(encoding="utf-8")
    d = decode_report(path.read_bytes(), path.name)
    assert d.text == fold_width(original)
    assert d.script == "simplified"
    assert (d.repairs_pinyin, d.repairs_mojibake, d.repairs_punctuation, d.unrecoverable_chars) == (0, 0, 0, 0)


def _encodings(stem):
    encs = ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030"]
    return encs + (["big5", "cp950"] if stem in TRADITIONAL else [])


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_reencoded_seeds_decode_to_the_same_text(path, decoded_seeds):
    original = path.read_text(encoding="utf-8")
    reference = decoded_seeds[path.stem].text
    for enc in _encodings(path.stem):
        if enc in ("big5", "cp950"):
            # Big5 cannot hold the corrupted bytes: re-encode the repaired source-script text,
            # without the few characters Big5 has no code for (勠, U+FFFD)
            source = decoded_seeds[path.stem].text_source
            data = source.encode(enc, errors="ignore")
            source = data.decode(enc)
            text, detected = decode_bytes(data, f"{path.stem}.{enc}")
            assert detected == "big5", enc
            assert text == source, enc
            continue
        data = original.encode(enc)
        d = decode_report(data, f"{path.stem}.{enc}")
        assert d.text == reference, enc


# --- refused input ---

BAD_INPUTS = [
    (b"", "empty"),
    (b"  \n\t \r\n ", "empty"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG"),
    (b"PK\x03\x04" + b"\x00" * 100, "zip"),
    (b"%PDF-1.7\n", "PDF"),
    (bytes(range(256)) * 4, "binary"),
]


@pytest.mark.parametrize("data,word", BAD_INPUTS, ids=[w for _, w in BAD_INPUTS])
def test_bad_input_is_refused_with_a_clear_reason(data, word):
    with pytest.raises(ReportRejected) as info:
        decode_report(data, "bad.txt")
    assert "bad.txt" in str(info.value)
    assert word.lower() in str(info.value).lower() or "encoding" in str(info.value) or "NUL" in str(info.value)


def test_oversize_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: nothing is read
    with pytest.raises(ReportRejected, match="size limit"):
        read_report_bytes(big, 20 * 1024 * 1024)


def test_html_page_is_stripped_to_text():
    page = "<!DOCTYPE html><html><head><title>t</title><script>x=1</script></head><body><p>地区生产总值完成620.5亿元。</p></body></html>"
    d = decode_report(page.encode("utf-8"), "page.txt")
    assert d.html_stripped
    assert "620.5亿元" in d.text and "<p>" not in d.text and "x=1" not in d.text


def test_mixed_encodings_are_decoded_line_by_line():
    data = "第一段是UTF-8文字。\n".encode("utf-8") * 5 + "第二段是国标编码的文字。\n".encode("gb18030")
    d = decode_report(data, "mixed.txt")
    assert "第二段是国标编码的文字" in d.text


def test_cgr_decode_on_reencoded_copies_and_bad_input(tmp_path, capsys, decoded_seeds):
    from assets.cli import main

    source = decoded_seeds["002_2e2771ea7a10172a"]
    for enc in ("utf-16-be", "gb18030", "big5"):
        path = tmp_path / f"copy_{enc}.txt"
        path.write_bytes(source.text_source.encode(enc, errors="ignore"))
        assert main(["decode", str(path)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("太原市万柏林区2022年国民经济和社会发展计划执行情况")
    bad = tmp_path / "image.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert main(["decode", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "image.txt" in err and "PNG" in err
