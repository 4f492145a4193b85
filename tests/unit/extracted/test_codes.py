"""indicator_code: metric in, catalogue code out, by the coding rules of DATASET.md; and the
catalogue itself (every fixed code, English label and definition)."""

import pytest

from pipelines.extracted.codes import assign_codes, catalog, catalog_rows, code_for

CASES = [
    # the same indicator written differently
    ("地区生产总值", "gdp"),
    ("生产总值", "gdp"),
    ("GDP", "gdp"),
    ("全区经济总量", "gdp"),
    ("地区生产总值(GDP)", "gdp"),
    ("地区生产总值预计", "gdp"),
    ("全区地区生产总值", "gdp"),
    ("贵州省地区生产总值", "gdp"),
    ("上半年贵州省地区生产总值", "gdp"),
    ("去年全北京市地区生产总值", "gdp"),
    # the code names the subject whatever the measure
    ("地区生产总值增速", "gdp"),
    ("GDP增速全国位次", "gdp"),
    ("生产总值增速比全国", "gdp"),
    ("经济增长速度全国及西部位次", "gdp"),
    ("生产总值两年平均", "gdp"),
    ("新认定高新技术企业占全市比重", "high_tech_enterprises"),
    ("城镇常住居民人均可支配收入增速位次", "income_urban"),
    ("一般公共预算收入同口径", "budget_revenue"),
    ("一般公共预算收入扣除留抵退税因素后", "budget_revenue"),
    ("城镇调查失业率保持在", "unemployment_surveyed"),
    # sector-structure parts and services
    ("二产占比", "va_secondary"),
    ("第一产业增加值占地区生产总值的比重", "va_primary"),
    ("三次产业结构第三产业", "va_tertiary"),
    ("第二产业对经济增长的贡献率", "va_secondary"),
    ("第三产业拉动GDP增长", "va_tertiary"),
    ("服务业增加值", "va_tertiary"),
    ("产业转型促进二产占比", "va_secondary"),
    # a longer name wins over a shorter name behind a prefix-like word
    ("城市居民人均可支配收入", "income_urban"),
    ("人均地区生产总值", "gdp_per_capita"),
    ("单位地区生产总值能耗", "energy_intensity"),
    ("规上工业产值", "output_industry_above_scale"),
    ("规模以上工业增加值", "va_industry_above_scale"),
    ("细颗粒物(PM2.5)平均浓度", "pm25"),
    ("全社会固定资产投资", "fixed_asset_investment"),
    ("城镇新增就业人员", "new_urban_jobs"),
    ("培育高新技术企业", "high_tech_enterprises"),
    # narrowed scopes stay uncoded
    ("区属地区生产总值", None),
    ("开发区规上工业增加值", None),
    ("县城社会消费品零售总额", None),
    ("主城区PM2.5平均浓度", None),
    ("城区PM2.5平均浓度", None),
    ("城关社会消费品零售总额", None),
    ("县域地区生产总值", None),
    ("全省县域地区生产总值", None),
    ("民营经济增加值", None),
    ("占全省GDP比重", None),
    # a different subject after the name stays uncoded
    ("工业投资", None),
    ("规模以上工业企业复工", None),
    ("固定资产投资项目", None),
    ("重点工程完成投资", None),
    # a comparison whose other side was cut off, or a verb of direction after the name
    ("地区生产总值增速高出", "gdp"),
    ("规上工业增加值增速快于", "va_industry_above_scale"),
    ("PM2.5年均浓度降", "pm25"),
    # a plan cue or a milestone verb between the name and the number
    ("地区生产总值增长目标调整", "gdp"),
    ("GDP增速目标拟定", "gdp"),
    ("一般公共预算收入确保", "budget_revenue"),
    ("地区生产总值跨上", "gdp"),
    ("地区生产总值连跨", None),  # counts the steps crossed (连跨6个千亿台阶)
    ("到2030年地区生产总值冲刺", "gdp"),
    ("全年实际使用外资首次", "fdi_used"),
    ("第三产业增加值净增额", "va_tertiary"),
    # a lead-in the metric still holds: a plan cue, an enumeration, a meeting in a headline
    ("今年全区要实现地区生产总值", "gdp"),
    ("某县将经济增长目标设", "gdp"),
    ("二是全年实际使用外资", "fdi_used"),
    ("某县召开经济工作会议今年GDP目标", "gdp"),
    ("省会太原市的GDP增速目标", "gdp"),
    ("全市的社会消费品零售总额", "retail_sales"),
    # a bracketed gloss names the metric when the words before it do not
    ("占常住人口比重(常住人口城镇化率)", "urbanization_rate"),
    ("占总人口比重(户籍人口城镇化率)", None),
    ("重点工程将完成投资", None),
    ("规模以上工业企业将复工", None),
    ("增速比上年加快", None),
    # local or uncatalogued metrics
    ("新建公办幼儿园", None),
    ("老旧小区改造", None),
    ("重污染天数", None),
    ("高标准农田", None),
    ("一般预算收入", None),
    ("打造", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize("metric,code", CASES, ids=[str(m) for m, _ in CASES])
def test_metric_to_code(metric, code):
    assert code_for(metric) == code


def test_assign_codes_keeps_order():
    assert assign_codes(["生产总值", "打造", "社零"]) == ["gdp", None, "retail_sales"]


FIXED = """gdp gdp_per_capita va_primary va_secondary va_tertiary va_industry va_industry_above_scale
output_industry_above_scale va_construction va_wholesale_retail va_transport va_accommodation_catering va_finance
va_real_estate output_agriculture grain_output grain_area fixed_asset_investment retail_sales budget_revenue
budget_expenditure tax_revenue fiscal_revenue foreign_trade exports fdi_used domestic_capital_used income_per_capita
income_urban income_rural cpi unemployment_registered unemployment_surveyed new_urban_jobs energy_intensity
energy_consumption good_air_days pm25 pm10 forest_coverage rd_intensity high_tech_enterprises resident_population
urbanization_rate deposits loans tourism_revenue tourist_visits""".split()


def test_every_fixed_code_has_an_english_label_and_definition():
    rows = {r["indicator_code"]: r for r in catalog_rows()}
    assert set(FIXED) <= set(rows)
    for code, row in rows.items():
        assert row["name_en"].strip() and len(row["definition"]) > 20 and row["source"].strip(), code
        assert code_for(row["name_zh"]) == code, code
        for alias in row["aliases"]:
            assert code_for(alias) == code, (code, alias)


def test_dataset_aliases_are_in_the_catalogue():
    """The phrasings DATASET.md lists for a code (a sample) map to it."""
    for code, alias in [("gdp", "经济总量"), ("budget_revenue", "地方一般公共预算收入"), ("foreign_trade", "进出口总值"),
                        ("rd_intensity", "R&D经费投入强度"), ("tourist_visits", "接待国内外游客"), ("cpi", "CPI")]:
        assert alias in catalog()[code]["aliases"], (code, alias)


@pytest.mark.parametrize("gold", ["tests/fixtures/gold/indicators.csv", "tests/fixtures/corpus/gold/indicators.csv"])
def test_the_gold_metrics_get_the_gold_codes(gold):
    """The coder alone, on the annotators' own metric strings (seeds and the 51-text corpus):
    recall of gold codes and precision of assigned codes, both at least 0.99."""
    import pandas as pd

    from tests.conftest import ROOT

    rows = pd.read_csv(ROOT / gold, dtype=str, keep_default_na=False)
    rows = rows[rows["optional"] != "1"]
    got = rows["metric"].map(code_for).fillna("")
    hit = ((rows["indicator_code"] != "") & (got == rows["indicator_code"])).sum()
    assert hit / (rows["indicator_code"] != "").sum() >= 0.99
    assert hit / (got != "").sum() >= 0.99
