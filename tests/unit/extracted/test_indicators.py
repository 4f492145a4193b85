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
    # parts of a whole: no unit is written, so none is given
    ("一年来,三次产业比例调整为7.4:57.4:35.2。", [(7.4, None, "", "share", None), (57.4, None, "", "share", None), (35.2, None, "", "share", None)]),
    ("一年来,三次产业比重为20.5∶35.5∶44.0。", [(20.5, None, "", "share", None), (35.5, None, "", "share", None), (44.0, None, "", "share", None)]),
    # list items written without their unit share the last one; points of growth contributed are ratios
    ("一年来,三次产业分别拉动经济增长1.2、3.4和2.1个百分点。",
     [(1.2, None, "个百分点", "ratio", None), (3.4, None, "个百分点", "ratio", None), (2.1, None, "个百分点", "ratio", None)]),
    ("一年来,三次产业分别拉动经济增长0.6个、2.9个、3.3个百分点。",
     [(0.6, None, "个百分点", "ratio", None), (2.9, None, "个百分点", "ratio", None), (3.3, None, "个百分点", "ratio", None)]),
    ("一年来,城镇化率比上年末提高1.1个百分点。", [(1.1, None, "个百分点", "change", None)]),
    # one growth cue for a whole list; 倍 after 增长 is growth
    ("一年来,新能源汽车、智能手机分别增长4.7倍、1.3倍和94.2%。",
     [(4.7, None, "倍", "growth_rate", None), (1.3, None, "倍", "growth_rate", None), (94.2, None, "%", "growth_rate", None)]),
    ("一年来,三次产业对经济增长的贡献率分别为19.4%、36.0%和44.6%。",
     [(19.4, None, "%", "ratio", None), (36.0, None, "%", "ratio", None), (44.6, None, "%", "ratio", None)]),
    # per-mille rates are not shares; a price index rise is growth; a net increase is a change
    ("一年来,人口出生率8.2‰,死亡率7.9‰。", [(8.2, None, "‰", "ratio", None), (7.9, None, "‰", "ratio", None)]),
    ("一年来,居民消费价格涨幅为1.8%。", [(1.8, None, "%", "growth_rate", None)]),
    ("一年来,税收收入净增4.9亿元。", [(4.9, None, "亿元", "change", None)]),
    # compound units are read whole
    ("一年来,细颗粒物年均浓度降至35微克/立方米。", [(35, None, "微克/立方米", "amount", None)]),
    ("一年来,新建光伏电站装机200兆瓦。", [(200, None, "兆瓦", "amount", None)]),
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


KIND_CASES = [
    # outside a review/plan part the words next to the number decide, not a target word elsewhere
    ("全年目标是稳增长,1-9月,全市完成一般公共预算收入27.3亿元。", ["actual"]),
    ("县城投资超预期,完成固定资产投资12亿元。", ["actual"]),
    ("力争实现地区生产总值增长6.5%。", ["target"]),
    # plan completion: done, the plan it is measured against, and the share of it
    ("1-6月完成投资58亿元,完成年计划62亿元的93.6%。", ["actual", "target", "actual"]),
    ("年度计划投资143亿元。", ["target"]),
    # an estimate of the year just ended is a result
    ("预计全年地区生产总值增长8.5%。", ["actual"]),
    # a lead-in before a colon sets the kind of the list after it
    ("2018年主要预期目标:地区生产总值增长7.5%,社会消费品零售总额增长10%。", ["target", "target"]),
]


@pytest.mark.parametrize("text,kinds", KIND_CASES)
def test_kind_from_the_words_next_to_the_number(text, kinds):
    ctx = ReportContext("r", "某区", review_year=2022, plan_year=None)
    assert [r["kind"] for r in rows_of(text, ctx)] == kinds


def test_inside_a_part_only_strong_words_of_the_other_kind_count():
    # a plan part narrates planned work with completion verbs; a review part narrates results with 争取
    assert [r["kind"] for r in rows_of("今年,完成40个老旧小区改造,新增3所公办幼儿园。")] == ["target", "target"]
    assert [r["kind"] for r in rows_of("一年来,积极争取上级资金,获批专项债券2.3亿元。")] == ["actual"]
    # a year before the planned one is a result even inside a plan passage
    ctx = ReportContext("r", "某市", review_year=2021, plan_year=2022)
    assert [r["kind"] for r in rows_of("今年的目标已经明确。报告指出,2021年,全市固定资产投资增长12%以上。", ctx)] == ["actual"]


METRIC_CASES = [
    ("今年,打造2个精品示范村。", ["精品示范村"]),
    ("今年,推动府前街等42个新建项目3月底前开工。", ["新建项目"]),
    ("一年来,培育阳光大厦等亿元楼宇8栋。", ["亿元楼宇"]),
    ("一年来,新增“四上”企业175家。", ["新增四上企业"]),
    ("一年来,全县农林牧渔业实现总产值44.39亿元,比上年增长12.2%。", ["农林牧渔业总产值", "农林牧渔业总产值"]),
    ("一年来,城镇化率达到60.1%,比上年末提高1.1个百分点。", ["城镇化率", "城镇化率"]),
    ("一年来,全省地区生产总值增长8.2%,居全国第7位。", ["地区生产总值", "地区生产总值"]),
    # abbreviations that 分别 and colon ratios pair with several numbers are written out
    ("一年来,第一、二、三产业增加值分别增长3.7%、2.2%和3.1%。", ["第一产业增加值", "第二产业增加值", "第三产业增加值"]),
    ("一年来,三次产业对经济增长的贡献率分别为19.4%、36.0%和44.6%。",
     ["第一产业对经济增长的贡献率", "第二产业对经济增长的贡献率", "第三产业对经济增长的贡献率"]),
    ("一年来,城乡居民人均可支配收入分别增长8%、9%,固定资产投资增长6%。",
     ["城镇居民人均可支配收入", "农村居民人均可支配收入", "固定资产投资"]),
    ("一年来,三次产业结构为14.9:39.5:45.6。", ["三次产业结构第一产业", "三次产业结构第二产业", "三次产业结构第三产业"]),
]


@pytest.mark.parametrize("text,metrics", METRIC_CASES)
def test_metric_is_the_noun_phrase_of_what_is_measured(text, metrics):
    assert [r["metric"] for r in rows_of(text)] == metrics


def test_headline_figures_are_read():
    rows = rows_of("某县重大项目集中开工 总投资152亿元\n\n一年来,全县新开工项目28个。")
    assert [(r["value"], r["unit"]) for r in rows] == [(152, "亿元"), (28, "个")]


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


YEAR_CASES = [
    # a sentence opening with a year sets it for the rest of its paragraph (not the next paragraph)
    ("报告指出,2021年,全市经济恢复常态。全年开工768个亿元以上项目,进出口总额增长20.2%。\n\n全市新增就业22万人。",
     [2021, 2021, 2022]),
    # a paragraph about a five-year period: its figures have no year, nor has a several-year total
    ("过去五年,全市取得一系列成果。8.85万贫困人口全部脱贫,城镇新增就业118.77万人。", [None, None]),
    ("两年累计新增就业40万人以上。", [None]),
    # a year in the sentence itself wins over the paragraph's
    ("2021年,全市经济恢复。2020年全市新增就业20万人。", [2020]),
]


@pytest.mark.parametrize("text,years", YEAR_CASES)
def test_year_from_the_paragraph_opening(text, years):
    ctx = ReportContext("r", "某市", review_year=2022, plan_year=2023)
    assert [r["year"] for r in rows_of(text, ctx)] == years


def test_news_plans_the_year_it_reports_on():
    ctx = ReportContext("r", "某省", review_year=2022, plan_year=None, report_type="news")
    assert [(r["kind"], r["year"]) for r in rows_of("集中开工的重大项目总投资3760亿元,年度计划投资1262.5亿元。", ctx)] == [
        ("actual", 2022), ("target", 2022)]
    # a work report without a plan year still plans the year after its review
    gwr = ReportContext("r", "某市", review_year=2022, plan_year=None, report_type="government_work_report")
    assert [r["year"] for r in rows_of("年度计划投资143亿元。", gwr)] == [2023]
