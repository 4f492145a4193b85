"""Indicators: table-driven sentences in -> rows out (and nothing out), plus the gold score."""

import pytest

from pipelines.extracted.indicators import ReportContext, extract_indicators
from pipelines.segmented.sentences import segment

CTX = ReportContext("r", "某区", review_year=2022, plan_year=2023)


def rows_of(text: str, ctx: ReportContext = CTX) -> list[dict]:
    seg = segment(text)
    return extract_indicators(text, [(f"r:{i:04d}", s) for i, s in enumerate(seg.sentences, 1)], ctx)


def brief(r: dict) -> tuple:
    return (r["value"], r["value_max"], r["unit"], r["measure"], r["qualifier"])


CASES = [
    ("一年来,地区生产总值完成620.5亿元,同比增长2.5%。", [(620.5, None, "亿元", "amount", None), (2.5, None, "%", "growth_rate", None)]),
    ("一年来,服务业增加值实现292.1亿元,同比下降0.6%。", [(292.1, None, "亿元", "amount", None), (-0.6, None, "%", "growth_rate", None)]),
    ("一年来,固定资产投资同比下降10.5 %。", [(-10.5, None, "%", "growth_rate", None)]),
    ("一年来,空气质量优良天数同比增加18天,重污染天数减少8天。", [(18, None, "天", "change", None), (-8, None, "天", "change", None)]),
    ("一年来,新认定高新技术企业473家,占全市的72.1%。", [(473, None, "家", "amount", None), (72.1, None, "%", "share", None)]),
    ("一年来,重点工程完成投资17.63亿元,完成率114.4%。", [(17.63, None, "亿元", "amount", None), (114.4, None, "%", "ratio", None)]),
    ("去年,小店区上榜全国百强区第61位。", [(61, None, "位", "rank", None)]),
    ("今年,开发3-5款定制化产品。", [(3, 5, "款", "amount", None)]),
    ("一年来,城镇新增就业2万余人,注册企业600余家。", [(2, None, "万人", "amount", "more_than"), (600, None, "家", "amount", "more_than")]),
    ("今年,新建3所以上公办幼儿园,高新技术企业100户左右。", [(3, None, "所", "amount", "at_least"), (100, None, "户", "amount", "approx")]),
    ("一年来,信创产业营收突破35亿元。", [(35, None, "亿元", "amount", "at_least")]),
    ("一年来,为全区35万城乡参保居民购买保险。", [(35, None, "万", "amount", None)]),
    ("一年来,建成区绿地率、绿化覆盖率分别达39.47%、45.68%。", [(39.47, None, "%", "share", None), (45.68, None, "%", "share", None)]),
    ("一年来,三次产业比例调整为7.4:57.4:35.2。", [(7.4, None, "%", "share", None), (57.4, None, "%", "share", None), (35.2, None, "%", "share", None)]),
    # a colon ratio that is not parts of a whole, and a time, yield nothing of their own
    ("今年,按1:1比例配套资金500万元。", [(500, None, "万元", "amount", None)]),
    ("会议于9:30召开。", []),
    ("今年,实施10000亩重点林地抚育管护,建设20公里示范廊道。", [(10000, None, "亩", "amount", None), (20, None, "公里", "amount", None)]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_quantities(text, expected):
    assert [brief(r) for r in rows_of(text)] == expected


NOTHING = [
    "2月7日、8日,区政协会议召开。",
    "2024年01月14日 06:55",
    "年内实现5G网络全覆盖。",
    "实施好营商环境3.0版改革。",
    "全力保障地铁1号线建设。",
    "办理12345政务服务便民热线事项。",
    "中国1898“太原兵工厂”文化产业园落地。",
    "按照“1234”战略要求。",
    "新时代好干部“20字”标准全面落实。",
    "“1+3+N”党群服务中心体系建设。",
    "太榆退水渠沿线200米范围内畜禽养殖全面退出。",
    "聚焦PM10、PM2.5、O3重点指标。",
    "编制规划(2022-2025年)。",
    "2023 信心满满",
]


@pytest.mark.parametrize("text", NOTHING)
def test_not_quantities(text):
    assert rows_of(text) == []


def test_threshold_defines_what_is_counted():
    rows = rows_of("今年,以37栋1万平方米以上楼宇为主体。")
    assert [brief(r) for r in rows] == [(37, None, "栋", "amount", None)]


def test_metric_of_a_growth_rate_is_the_thing_that_grows():
    rows = rows_of("一年来,地区生产总值完成620.5亿元,同比增长2.5%。")
    assert [r["metric"] for r in rows] == ["地区生产总值", "地区生产总值"]


def test_fenbie_pairs_metrics_with_numbers():
    rows = rows_of("一年来,建成区绿地率、绿化覆盖率分别达39.47%、45.68%。")
    assert [r["metric"] for r in rows] == ["建成区绿地率", "绿化覆盖率"]


def test_kind_and_year_follow_the_part():
    review = rows_of("一年来,建成高标准农田1.15万亩。")[0]
    plan = rows_of("今年,完成3500亩高标准农田建设。")[0]
    assert (review["kind"], review["year"]) == ("actual", 2022)
    assert (plan["kind"], plan["year"]) == ("target", 2023)
    explicit = rows_of("2020年,新增市场主体6942家。")[0]
    assert explicit["year"] == 2020


def test_value_std_applies_multiplier_and_unit():
    rows = rows_of("一年来,新增学位1.3万个,完成投资2.84亿元,建设道路16.05公里。")
    assert [(r["value_std"], r["unit_std"]) for r in rows] == [(13000, "个"), (284000000, "元"), (16050, "米")]


def test_span_holds_the_number_and_unit():
    text = "一年来,地区生产总值完成620.5亿元,同比增长2.5%。"
    for r in rows_of(text):
        assert str(r["value"]).rstrip("0").rstrip(".").lstrip("-") in text[r["start"]:r["end"]]
        assert text[r["start"]:r["end"]].endswith(r["unit"])


def test_clauses_with_unrecoverable_characters_are_skipped():
    assert rows_of("一年来,地区生产总\ufffd值完成620.5亿元。") == []
