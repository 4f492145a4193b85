"""target_outcomes: every coded target a report sets for an area and year, met with the actual a
report gives for the same area, code, measure and year (the rules are stated in the registry's
descriptions of the table and of `met`, which docs/DATA_DICTIONARY.md publishes)."""

from __future__ import annotations

import hashlib

import pandas as pd

from .. import registry
from ..extracted.codes import catalog

#: the approx (左右, 约) tolerance: percentage points for values in % or 百分点, else a share of the target
APPROX_POINTS = 0.5
APPROX_RELATIVE = 0.05
POINT_UNITS = ("%", "百分点", "个百分点")
AREA = ["admin_code", "province", "city", "district"]


def outcome_id(target_id: str, actual_id: str) -> str:
    return hashlib.sha256(f"{target_id}|{actual_id}".encode()).hexdigest()[:16]


def tolerance(target: float, unit: str) -> float:
    return APPROX_POINTS if unit in POINT_UNITS else abs(target) * APPROX_RELATIVE


def is_met(actual: float, target: float, target_max: float | None, qualifier: str | None, unit: str,
           measure: str, lower_is_better: bool) -> bool | None:
    """Whether `actual` meets the target under its qualifier and range (None: undecidable)."""
    if measure == "rank":
        return None  # 第7位: whether a rank meets a target depends on wording we do not read
    if target_max is not None and not pd.isna(target_max):
        return bool(target <= actual <= target_max)
    if qualifier == "at_least":
        return bool(actual >= target)
    if qualifier == "more_than":
        return bool(actual > target)
    if qualifier == "at_most":
        return bool(actual <= target)
    if qualifier == "approx":
        tol = tolerance(target, unit)
        return bool(actual <= target + tol) if lower_is_better else bool(actual >= target - tol)
    return bool(actual <= target) if lower_is_better else bool(actual >= target)


def _area_key(df: pd.DataFrame) -> pd.Series:
    """admin_code where known, else province+city+district (a key only when the district is known)."""
    def key(row) -> str | None:
        if isinstance(row["admin_code"], str) and row["admin_code"]:
            return row["admin_code"]
        if isinstance(row["district"], str) and row["district"]:
            return "|".join(str(row[c]) if isinstance(row[c], str) else "" for c in ("province", "city", "district"))
        return None
    return df.apply(key, axis=1) if len(df) else pd.Series([], dtype=object)


def build_target_outcomes(indicators: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """The rows of `target_outcomes` (registry columns) from the combined indicators and reports."""
    table = registry.TABLES["target_outcomes"]
    if indicators.empty or reports.empty:
        return registry.empty_frame(table)
    rep = reports.set_index("report_id")
    ind = indicators[indicators["indicator_code"].notna() & indicators["year"].notna()].copy()
    if ind.empty:
        return registry.empty_frame(table)
    ind["province"] = ind["report_id"].map(rep["province"])
    ind["city"] = ind["report_id"].map(rep["city"])
    ind["admin_code"] = ind["report_id"].map(rep["admin_code"])  # the report's area, as indicators carry it
    ind["district"] = ind["report_id"].map(rep["district"])
    ind["review_year"] = ind["report_id"].map(rep["review_year"])
    ind["area"] = _area_key(ind)
    ind = ind[ind["area"].notna()]
    keys = ["area", "indicator_code", "measure", "year"]
    targets = ind[ind["kind"] == "target"]
    actuals = ind[ind["kind"] == "actual"].copy()
    # which actual answers a target: the full-year review of that year first, then the latest report, then the first figure
    actuals["full_year"] = (actuals["review_year"] == actuals["year"]).fillna(False).astype(bool)
    actuals = actuals.sort_values(["full_year", "review_year", "report_id", "start"], ascending=[False, False, False, True],
                                  kind="stable", na_position="last")
    lower = {code for code, entry in catalog().items() if entry.get("better") == "lower"}
    rows = []
    for _, t in targets.sort_values(["report_id", "start"], kind="stable").iterrows():
        cand = actuals[(actuals[keys] == t[keys]).all(axis=1)]
        cand = cand[cand["unit_std"].fillna("") == ("" if pd.isna(t["unit_std"]) else t["unit_std"])]
        if cand.empty or not t["value"] or pd.isna(t["value_std"]):
            continue
        a = cand.iloc[0]
        # the actual in the target's unit: the same base unit, multipliers may differ (亿元, 万元)
        scale = t["value_std"] / t["value"] if t["value"] else 1.0
        actual = float(a["value"]) if a["unit"] == t["unit"] else float(a["value_std"]) / scale
        target_max = None if pd.isna(t["value_max"]) else float(t["value_max"])
        qualifier = None if pd.isna(t["qualifier"]) else t["qualifier"]
        met = is_met(actual, float(t["value"]), target_max, qualifier, t["unit"], t["measure"], t["indicator_code"] in lower)
        rows.append({
            "outcome_id": outcome_id(t["indicator_id"], a["indicator_id"]),
            **{c: (None if pd.isna(t[c]) else t[c]) for c in AREA},
            "indicator_code": t["indicator_code"],
            "measure": t["measure"],
            "year": int(t["year"]),
            "target_value": float(t["value"]),
            "target_value_max": target_max,
            "target_qualifier": qualifier,
            "actual_value": round(actual, 10),
            "unit": t["unit"],
            "met": met,
            "gap": round(actual - float(t["value"]), 10),
            "target_indicator_id": t["indicator_id"],
            "actual_indicator_id": a["indicator_id"],
            "target_report_id": t["report_id"],
            "actual_report_id": a["report_id"],
        })
    if not rows:
        return registry.empty_frame(table)
    df = pd.DataFrame(rows).sort_values(["indicator_code", "year", "target_indicator_id"], kind="stable")
    return registry.conform(df, table)
