"""Elliptical metrics: a figure whose words name no subject is about the subject named before it
in the sentence. Tables of words in, subject out; then sentences in, (metric, code) out per row,
including sentences whose figures must stay uncoded."""

import pytest

from pipelines.extracted.codes import code_for
from pipelines.extracted.indicators import ReportContext, extract_indicators
from pipelines.extracted.subjects import about, is_elliptical, split_subject, subject_of
from pipelines.segmented.sentences import segment

ELLIPTICAL = [
    ("两年平均", True),
    ("增速", True),
    ("比全国高", True),
    ("高于全州增速", True),
    ("列西部", True),
    ("前移", True),
    ("比一季度", True),
    ("月当月", True),
    ("十一五末", True),
    ("占生产总值的比重", True),
    ("对经济增长的贡献率", True),
    ("拉动GDP", True),
    ("净增额", True),
    ("大关", True),
    ("", True),
    # a metric that names what is measured
    ("地区生产总值", False),
    ("第二产业增加值两年平均", False),
    ("新建公办幼儿园", False),
    ("重污染天数", False),
    ("占比超过一半的企业", False),
]


@pytest.mark.parametrize("metric,expected", ELLIPTICAL)
def test_elliptical_metrics_name_no_subject(metric, expected):
    assert is_elliptical(metric) is expected


ABOUT = [
    # a measure of the subject stays after it; comparisons, periods and ranks are said by the
    # measure, the year and the unit
    ("第二产业增加值", "两年平均", "第二产业增加值两年平均"),
    ("第一产业增加值", "占生产总值的比重", "第一产业增加值占生产总值的比重"),
    ("第三产业", "对经济增长的贡献率", "第三产业对经济增长的贡献率"),
    ("地区生产总值", "增速", "地区生产总值增速"),
    ("地区生产总值", "比全国高", "地区生产总值"),
    ("地区生产总值", "高于全州增速", "地区生产总值"),
    ("居民人均可支配收入", "列西部", "居民人均可支配收入"),
    ("规模以上工业增加值", "月当月", "规模以上工业增加值"),
    # a measured noun replaces the one the subject ends with
    ("规模以上工业产值", "增加值", "规模以上工业增加值"),
    # nothing to attach to, or a metric with a subject of its own
    ("地区生产总值", "增加值", None),
    ("地区生产总值", "固定资产投资", None),
    ("", "两年平均", None),
]


@pytest.mark.parametrize("subject,metric,expected", ABOUT)
def test_an_elliptical_metric_is_written_for_its_subject(subject, metric, expected):
    assert about(subject, metric) == expected


@pytest.mark.parametrize("metric,subject", [
    ("第一产业增加值占地区生产总值的比重", "第一产业增加值"),
    ("农村居民人均可支配收入增速", "农村居民人均可支配收入"),
    ("维西县地区生产总值(GDP)增速", "维西县地区生产总值"),
    ("占常住人口比重(常住人口城镇化率[5])", "常住人口城镇化率"),
    ("新建公办幼儿园", "新建公办幼儿园"),
    ("新增就业青年", "新增就业青年"),  # one character is no tail
])
def test_the_subject_a_metric_names(metric, subject):
    assert subject_of(metric) == subject
    assert split_subject(subject)[0] == subject


CTX = ReportContext("r", "某区", review_year=2022, plan_year=2023)


def metrics_and_codes(text: str) -> list[tuple[str, str | None]]:
    seg = segment(text)
    rows = extract_indicators(text, [(f"r:{i:04d}", s) for i, s in enumerate(seg.sentences, 1)], CTX)
    return [(r["metric"], code_for(r["metric"])) for r in rows]


SENTENCES = [
    # a two-year average and a comparison after the figure that names the subject
    ("一年来,全区地区生产总值完成320亿元,增长6.5%,两年平均增长5.1%。",
     [("地区生产总值", "gdp"), ("地区生产总值", "gdp"), ("地区生产总值两年平均", "gdp")]),
    ("一季度,全县地区生产总值同比增长4.2%,增速比上年同期加快0.8个百分点,高于全市0.3个百分点。",
     [("地区生产总值", "gdp"), ("地区生产总值增速", "gdp"), ("地区生产总值", "gdp")]),
    ("一年来,第二产业增加值45亿元,增长7%,占地区生产总值的比重为38.2%。",
     [("第二产业增加值", "va_secondary"), ("第二产业增加值", "va_secondary"),
      ("第二产业增加值占地区生产总值的比重", "va_secondary")]),
    # a month's figure after the quarter's
    ("一季度,规模以上工业增加值同比增长2.1%,其中3月当月同比增长6.4%。",
     [("规模以上工业增加值", "va_industry_above_scale"), ("规模以上工业增加值", "va_industry_above_scale")]),
    # a milestone after the growth of the subject
    ("去年,全县实现生产总值增长7.2%,突破500亿元大关。", [("生产总值", "gdp"), ("生产总值", "gdp")]),
    # the steps a level crossed are no figure of it; the level after them is
    ("一年来,地区生产总值连跨3个千亿台阶,年末达3.1万亿元,增长6%。",
     [("地区生产总值连跨", None), ("地区生产总值", "gdp"), ("地区生产总值", "gdp")]),
    # a rank and its move after the figure; a headline without commas names the subject once
    ("一年来,全省规上工业增加值增速居全国第10位、前移2位。",
     [("规上工业增加值增速", "va_industry_above_scale"), ("规上工业增加值", "va_industry_above_scale")]),
    ("上半年全省GDP同比增长6.1%居全国第9位。", [("上半年全省GDP", "gdp"), ("上半年全省GDP", "gdp")]),
    # a second 分别 list without names of its own is about the first list's subjects
    ("一年来,三次产业对经济增长的贡献率分别为10.2%、40.5%和49.3%,分别拉动经济增长0.6、2.4和2.9个百分点。",
     [("第一产业对经济增长的贡献率", "va_primary"), ("第二产业对经济增长的贡献率", "va_secondary"),
      ("第三产业对经济增长的贡献率", "va_tertiary"), ("第一产业拉动经济", "va_primary"),
      ("第二产业拉动经济", "va_secondary"), ("第三产业拉动经济", "va_tertiary")]),
    # ... or about the amounts just before it
    ("一年来,税收收入5亿元,一般公共预算收入8亿元,分别是2015年的1.5倍和1.8倍。",
     [("税收收入", "tax_revenue"), ("一般公共预算收入", "budget_revenue"),
      ("税收收入", "tax_revenue"), ("一般公共预算收入", "budget_revenue")]),
    ("一年来,完成工业产值12亿元、销售收入10亿元,分别比上年增长8%、9%。",
     [("工业产值", None), ("销售收入", None), ("工业产值", None), ("销售收入", None)]),
    # value added stated after the output of the same industry; a figure said of both
    ("一年来,全市规模以上工业完成产值80亿元,实现增加值20亿元,同比都增长5%。",
     [("规模以上工业产值", "output_industry_above_scale"), ("规模以上工业增加值", "va_industry_above_scale"),
      ("规模以上工业产值和规模以上工业增加值", None)]),
    # a narrowed subject stays narrowed; a count after a growth rate counts something else
    ("一年来,县城社会消费品零售总额增长8%,两年平均增长6%。",
     [("县城社会消费品零售总额", None), ("县城社会消费品零售总额两年平均", None)]),
    ("一年来,全市固定资产投资增长10%,增速居全省14个市首位。",
     [("固定资产投资", "fixed_asset_investment"), ("增速", None)]),
    # after a 分别 list, which subject a figure is about is unclear: none is carried
    ("一年来,全区地区生产总值增长6%,第一、二、三产业增加值分别增长3%、4%和6%,两年平均增长5%。",
     [("地区生产总值", "gdp"), ("第一产业增加值", "va_primary"), ("第二产业增加值", "va_secondary"),
      ("第三产业增加值", "va_tertiary"), ("两年平均", None)]),
    # the subject is not carried into the next sentence
    ("一年来,全区地区生产总值增长6%。两年平均增长5%。", [("地区生产总值", "gdp"), ("两年平均", None)]),
    ("一年来,新建公办幼儿园5所,比上年增加2所。", [("新建公办幼儿园", None), ("新建公办幼儿园", None)]),
    ("一年来,帮扶就业困难青年300人,增长5%。", [("帮扶就业困难青年", None), ("帮扶就业困难青年", None)]),
]


@pytest.mark.parametrize("text,expected", SENTENCES)
def test_elliptical_figures_take_the_subject_named_before(text, expected):
    assert metrics_and_codes(text) == expected
