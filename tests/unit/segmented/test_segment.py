"""Segmented stage: offsets, joins, truncation, sections and parts, sentence and clause rules."""

import pytest

from pipelines.segmented.sentences import Sentence, segment, split_sentences

from tests.conftest import SEED_FILES


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_sentence_offsets_slice_the_decoded_text(path, decoded_seeds):
    d = decoded_seeds[path.stem]
    seg = segment(d.text)
    assert seg.sentences
    for s in seg.sentences:
        assert d.text[s.start:s.end] == s.text


def test_page_breaks_are_joined_and_the_truncation_is_flagged(decoded_seeds):
    joined = []
    for stem, d in decoded_seeds.items():
        joined += [s.text for s in segment(d.text).sentences if s.block == "body" and "\n" in s.text]
    assert len(joined) == 5
    for fragment in ("超低排放\n\n改造项目", "国家\n\n义务教育", "集聚\n\n120余家", "占财政\n\n\n\n支出", "打造人\n\n\n\n才"):
        assert any(fragment in t for t in joined), fragment
    s003 = segment(decoded_seeds["003_58ae1fe990f5e65b"].text).sentences
    truncated = [s.text for s in s003 if s.truncated]
    assert truncated == ["坚持空气质量", "设)项目。"]
    assert not any("坚持空气质量" in s.text and "设)" in s.text for s in s003)


def test_boilerplate_and_captions_are_not_body(decoded_seeds):
    seg1 = segment(decoded_seeds["001_03ed87140a5b5860"].text)
    assert "记者 王丹 (小店区融媒体中心供图)" in seg1.boilerplate
    assert not any("记者 王丹" in s.text for s in seg1.sentences)
    seg3 = segment(decoded_seeds["003_58ae1fe990f5e65b"].text)
    captions = {s.text for s in seg3.sentences if s.block == "caption"}
    assert {"精神文明实践园服务群众", "城乡建设展示新风貌"} <= captions
    seg4 = segment(decoded_seeds["004_932117ff3934a2a4"].text)
    assert len(seg4.boilerplate) == 3 and seg4.title.startswith("锚定“六地”定位")


SECTIONS = {
    "000_59756ae5d8ceb8cb": ["总体要求", "规划引领 基础先行 优化拓展区域发展新空间"],
    "001_03ed87140a5b5860": ["2023 硕果累累", "(一) 优化结构、提升能级,持续增强经济发展新动能", "2024 信心满满"],
    "002_2e2771ea7a10172a": ["一、2022年国民经济和社会发展计划执行情况", "(二)经济社会发展的主要预期目标", "三、2023年国民经济和社会发展的主要任务及措施"],
    "003_58ae1fe990f5e65b": ["统筹抓好疫情防控和经济社会发展", "党的领导实现新加强"],
}


@pytest.mark.parametrize("stem,headings", SECTIONS.items())
def test_section_headings(decoded_seeds, stem, headings):
    found = [s.text for s in segment(decoded_seeds[stem].text).sentences if s.block == "heading"]
    for h in headings:
        assert h in found


PARTS = [
    ("001_03ed87140a5b5860", "建成高标准农田1.15万亩", "review"),
    ("001_03ed87140a5b5860", "去年,小店区上榜全国百强区第61位", "review"),
    ("001_03ed87140a5b5860", "2024年,小店区将重点抓好六个方面工作", "plan"),
    ("001_03ed87140a5b5860", "完成3500亩高标准农田建设", "plan"),
    ("002_2e2771ea7a10172a", "地区生产总值完成620.5亿元", "review"),
    ("002_2e2771ea7a10172a", "地区生产总值增长6.5%左右", "plan"),
    ("002_2e2771ea7a10172a", "启动万柏林三中新校区建设项目", "plan"),
    ("000_59756ae5d8ceb8cb", "完成40个老旧小区改造", "plan"),
    ("003_58ae1fe990f5e65b", "新增市场主体6942家", "review"),
    ("004_932117ff3934a2a4", "以37栋1万平方米以上楼宇为主体", "plan"),
]


@pytest.mark.parametrize("stem,fragment,part", PARTS)
def test_part_labels(decoded_seeds, stem, fragment, part):
    sentence = next(s for s in segment(decoded_seeds[stem].text).sentences if fragment in s.text)
    assert sentence.part == part


SENTENCE_CASES = [
    ("地区生产总值完成620.5亿元。同比增长2.5%。", ["地区生产总值完成620.5亿元。", "同比增长2.5%。"]),
    ("打造营商环境3.0版。建设NO.8项目。", ["打造营商环境3.0版。", "建设NO.8项目。"]),
    ("他强调:“要坚持稳中求进。要抓好项目!”随后部署工作。", ["他强调:“要坚持稳中求进。要抓好项目!”", "随后部署工作。"]),
    ("真的吗?是的!好……继续", ["真的吗?", "是的!", "好……", "继续"]),
    ("没有句号的一行", ["没有句号的一行"]),
]


@pytest.mark.parametrize("text,expected", SENTENCE_CASES)
def test_sentence_rule(text, expected):
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == expected


CLAUSE_CASES = [
    ("建成高标准农田1.15万亩;注册企业600余家;信创产业营收突破35亿元。", ["建成高标准农田1.15万亩;", "注册企业600余家;", "信创产业营收突破35亿元。"]),
    ("新建公办幼儿园3所；新认定普惠幼儿园7所。", ["新建公办幼儿园3所；", "新认定普惠幼儿园7所。"]),
    ("地区生产总值完成620.5亿元,同比增长2.5%。", ["地区生产总值完成620.5亿元,同比增长2.5%。"]),
]


@pytest.mark.parametrize("text,expected", CLAUSE_CASES)
def test_clause_rule(text, expected):
    s = Sentence(10, 10 + len(text), text, "body", 1, None, None)
    assert [text[a - 10:b - 10] for a, b in s.clauses()] == expected
