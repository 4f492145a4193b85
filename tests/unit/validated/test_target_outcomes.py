"""target_outcomes: targets met with outcomes, from small texts written for the test (a plan and
a review of one district) and from tables built by hand; `met` under qualifier and range; the
gates of the table."""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.validated.target_outcomes import APPROX_POINTS, build_target_outcomes, is_met

SIDECAR = """province: 山西省
city: 太原市
district: 杏花岭区
admin_code: "140107"
report_type: government_work_report
review_year: {review}
plan_year: {plan}
"""

PLAN = """杏花岭区2019年政府工作报告

2019年经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，固定资产投资增长8%以上，社会消费品零售总额增长7-8%，开发区规上工业增加值增长12%，城镇登记失业率控制在4%以内。
"""

REVIEW = """杏花岭区2020年政府工作报告

2019年，全区地区生产总值增长7.1%，固定资产投资增长6.2%，社会消费品零售总额增长7.5%，开发区规上工业增加值增长13%，城镇登记失业率3.2%。
"""


@pytest.fixture(scope="module")
def pair_tables(tmp_path_factory):
    from pipelines.local import tables_for_folder

    folder = tmp_path_factory.mktemp("pair")
    (folder / "plan_2019.txt").write_text(PLAN, encoding="utf-8")
    (folder / "plan_2019.yaml").write_text(SIDECAR.format(review=2018, plan=2019), encoding="utf-8")
    (folder / "review_2020.txt").write_text(REVIEW, encoding="utf-8")
    (folder / "review_2020.yaml").write_text(SIDECAR.format(review=2019, plan=2020), encoding="utf-8")
    tables, rejected = tables_for_folder(folder)
    assert not rejected
    return tables


def test_a_plan_and_a_review_of_one_district(pair_tables):
    out = pair_tables["target_outcomes"].set_index("indicator_code")
    gdp = out.loc["gdp"]
    assert (gdp["target_value"], gdp["target_qualifier"], gdp["actual_value"], bool(gdp["met"])) == (6.5, "approx", 7.1, True)
    assert gdp["gap"] == pytest.approx(0.6)
    assert (gdp["year"], gdp["measure"], gdp["admin_code"], gdp["district"]) == (2019, "growth_rate", "140107", "杏花岭区")
    assert (gdp["target_report_id"], gdp["actual_report_id"]) == ("plan_2019", "review_2020")
    # 以上 missed, a range met, 以内 met where lower is better
    assert (out.loc["fixed_asset_investment", "target_qualifier"], bool(out.loc["fixed_asset_investment", "met"])) == ("at_least", False)
    assert (out.loc["retail_sales", "target_value_max"], bool(out.loc["retail_sales", "met"])) == (8.0, True)
    assert bool(out.loc["unemployment_registered", "met"])
    # a narrowed scope has no code, so no pair; one row per target
    assert set(out.index) == {"gdp", "fixed_asset_investment", "retail_sales", "unemployment_registered"}
    ind = pair_tables["indicators"]
    assert set(ind["admin_code"]) == {"140107"}
    assert out["target_indicator_id"].isin(ind["indicator_id"]).all() and out["actual_indicator_id"].isin(ind["indicator_id"]).all()


def test_the_pair_passes_its_gates(pair_tables):
    from expectations.gate import run_gate

    for name in ("indicators", "indicator_catalog", "target_outcomes"):
        result = run_gate(name, pair_tables[name], pair_tables)
        assert result.passed, [f.describe() for f in result.failures]


MET = [
    # actual, target, max, qualifier, unit, measure, lower is better -> met
    (7.1, 6.5, None, "approx", "%", "growth_rate", False, True),
    (6.1, 6.5, None, "approx", "%", "growth_rate", False, True),  # short by less than the tolerance
    (5.9, 6.5, None, "approx", "%", "growth_rate", False, False),
    (1000.0, 1050.0, None, "approx", "亿元", "amount", False, True),  # 5% of the target
    (990.0, 1050.0, None, "approx", "亿元", "amount", False, False),
    (8.0, 8.0, None, "at_least", "%", "growth_rate", False, True),
    (7.9, 8.0, None, "at_least", "%", "growth_rate", False, False),
    (8.0, 8.0, None, "more_than", "%", "growth_rate", False, False),
    (3.2, 4.0, None, "at_most", "%", "share", True, True),
    (4.1, 4.0, None, "at_most", "%", "share", True, False),
    (7.5, 7.0, 8.0, None, "%", "growth_rate", False, True),
    (8.5, 7.0, 8.0, None, "%", "growth_rate", False, False),
    (6.9, 7.0, 8.0, "approx", "%", "growth_rate", False, False),  # a range is a range
    (9.6, 10.0, None, None, "%", "growth_rate", False, False),
    (2.8, 3.0, None, None, "%", "growth_rate", True, True),  # CPI: lower is better
    (3.2, 3.0, None, "approx", "%", "growth_rate", True, True),
    (5.0, 10.0, None, None, "位", "rank", False, None),
]


@pytest.mark.parametrize("actual,target,target_max,qualifier,unit,measure,lower,met", MET)
def test_met_under_qualifier_and_range(actual, target, target_max, qualifier, unit, measure, lower, met):
    assert is_met(actual, target, target_max, qualifier, unit, measure, lower) is met
    assert APPROX_POINTS == 0.5


def _ind(report_id, start, kind, year, code, value, unit="%", value_std=None, measure="growth_rate", qualifier=None, unit_std=None):
    return {"indicator_id": f"{report_id}:{start}", "report_id": report_id, "start": start, "kind": kind, "year": year,
            "indicator_code": code, "measure": measure, "value": value, "value_max": None, "unit": unit, "qualifier": qualifier,
            "value_std": value if value_std is None else value_std, "unit_std": unit_std or unit}


def _rep(report_id, review_year, admin_code="140107", district="杏花岭区"):
    return {"report_id": report_id, "province": "山西省", "city": "太原市", "district": district, "admin_code": admin_code,
            "review_year": review_year}


def _build(ind_rows, rep_rows):
    ind = pd.DataFrame(ind_rows).astype({"year": "Int64", "value_max": "Float64"})
    return build_target_outcomes(ind, pd.DataFrame(rep_rows).astype({"review_year": "Int64"}))


def test_the_full_year_review_wins_over_a_mid_year_figure():
    out = _build([_ind("plan", 10, "target", 2019, "gdp", 6.5, qualifier="approx"),
                  _ind("midyear", 5, "actual", 2019, "gdp", 6.0),
                  _ind("annual", 7, "actual", 2019, "gdp", 7.1)],
                 [_rep("plan", 2018), _rep("midyear", None), _rep("annual", 2019)])
    assert out[["actual_report_id", "actual_value"]].values.tolist() == [["annual", 7.1]]


def test_amounts_are_compared_in_the_base_unit():
    out = _build([_ind("plan", 1, "target", 2019, "gdp", 500, unit="亿元", value_std=5e10, measure="amount", unit_std="元"),
                  _ind("review", 1, "actual", 2019, "gdp", 5100000, unit="万元", value_std=5.1e10, measure="amount", unit_std="元")],
                 [_rep("plan", 2018), _rep("review", 2019)])
    row = out.iloc[0]
    assert (row["unit"], row["actual_value"], bool(row["met"])) == ("亿元", 510.0, True)


@pytest.mark.parametrize("actual", [
    _ind("review", 1, "actual", 2019, "gdp", 7.1, measure="amount"),   # another measure
    _ind("review", 1, "actual", 2020, "gdp", 7.1),                     # another year
    _ind("review", 1, "actual", 2019, "retail_sales", 7.1),            # another code
    _ind("review", 1, "actual", 2019, None, 7.1),                      # uncoded
    _ind("other", 1, "actual", 2019, "gdp", 7.1),                      # another area
    _ind("review", 1, "target", 2019, "gdp", 7.1),                     # a target does not answer a target
])
def test_no_pair_without_the_same_area_code_measure_and_year(actual):
    out = _build([_ind("plan", 1, "target", 2019, "gdp", 6.5), actual],
                 [_rep("plan", 2018), _rep("review", 2019), _rep("other", 2019, admin_code="140105", district="小店区")])
    assert out.empty
    assert list(out.columns)[:2] == ["outcome_id", "admin_code"]


def test_without_admin_code_the_area_is_province_city_district():
    out = _build([_ind("plan", 1, "target", 2019, "gdp", 6.5), _ind("review", 1, "actual", 2019, "gdp", 7.1)],
                 [_rep("plan", 2018, admin_code=None), _rep("review", 2019, admin_code=None)])
    assert len(out) == 1 and out.iloc[0]["district"] == "杏花岭区"


def _gate(tables, name):
    from expectations.gate import run_gate

    return run_gate(name, tables[name], tables)


def test_an_unknown_code_blocks_and_a_null_code_passes(pair_tables):
    ind = pair_tables["indicators"].copy()
    ind.loc[ind.index[0], "indicator_code"] = None
    assert _gate({**pair_tables, "indicators": ind}, "indicators").passed
    ind.loc[ind.index[1], "indicator_code"] = "gdp_growth_made_up"
    failures = _gate({**pair_tables, "indicators": ind}, "indicators").failures
    assert any("indicators.indicator_code" in f.describe() and "gdp_growth_made_up" in f.describe() for f in failures)


@pytest.mark.parametrize("column,value,expectation", [
    ("met", False, "expect_column_pair_values_to_be_equal"),            # met inconsistent with the values
    ("gap", 9.9, "expect_column_values_to_be_between"),                 # gap is not actual minus target
    ("actual_indicator_id", "ghost:1", "expect_column_values_to_be_in_set"),
    ("target_qualifier", "roughly", "expect_column_values_to_be_in_set"),
])
def test_a_bad_target_outcome_blocks(pair_tables, column, value, expectation):
    out = pair_tables["target_outcomes"].copy()
    k = out.index[out["indicator_code"] == "gdp"][0]
    out[column] = out[column].astype(object)
    out.loc[k, column] = value
    result = _gate({**pair_tables, "target_outcomes": out}, "target_outcomes")
    assert not result.passed and any(f.type == expectation for f in result.failures), [f.describe() for f in result.failures]


def test_a_duplicated_outcome_blocks(pair_tables):
    out = pair_tables["target_outcomes"]
    result = _gate({**pair_tables, "target_outcomes": pd.concat([out, out.iloc[[0]]], ignore_index=True)}, "target_outcomes")
    assert not result.passed
