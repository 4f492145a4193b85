"""The validation gate: the expectation suites in expectations/suites/*.json, run by Great
Expectations 1.x on whole DataFrames. Errors block a release; warnings are recorded.

A suite is data: `{"table": ..., "expectations": [{"type", "kwargs", "severity"}]}`. A value set
written `"$name"` is resolved at run time (vocabularies from the registry, ids of other tables).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SUITES = Path(__file__).parent / "suites"


@dataclass
class ExpectationOutcome:
    table: str
    type: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int
    examples: list
    kwargs: dict

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        cond = f" where {self.kwargs['row_condition']}" if self.kwargs.get("row_condition") else ""
        return f"{self.type} on {where}{cond}: {self.unexpected_count} unexpected, e.g. {self.examples[:10]}"


@dataclass
class GateResult:
    table: str
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes if o.severity == "error")

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "error"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    def to_json(self) -> dict:
        return {
            "table": self.table,
            "passed": self.passed,
            "expectations": [o.__dict__ for o in self.outcomes],
        }


def load_suite(table: str) -> dict:
    return json.loads((SUITES / f"{table}.json").read_text(encoding="utf-8"))


def value_sets(tables: dict[str, pd.DataFrame]) -> dict[str, list]:
    from pipelines import registry
    from pipelines.extracted.indicators import unit_vocabulary

    def ids(table: str, column: str) -> list:
        df = tables.get(table)
        return sorted(df[column].dropna().unique().tolist()) if df is not None else []

    return {
        "$report_types": list(registry.REPORT_TYPES),
        "$scripts": list(registry.SCRIPTS),
        "$kinds": list(registry.KINDS),
        "$measures": list(registry.MEASURES),
        "$qualifiers": list(registry.QUALIFIERS),
        "$categories": list(registry.CATEGORIES),
        "$statuses": list(registry.STATUSES),
        "$blocks": list(registry.BLOCKS),
        "$parts": list(registry.PARTS),
        "$unit_vocabulary": unit_vocabulary(),
        "$report_ids": ids("reports", "report_id"),
        "$project_ids": ids("projects", "project_id"),
    }


def prepare(table: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Derived columns some expectations read (not published)."""
    if table == "indicators":
        reports = tables.get("reports")
        df = df.copy()
        if reports is not None and len(df):
            years = reports.set_index("report_id")[["review_year", "plan_year"]]
            merged = df[["report_id", "year"]].join(years, on="report_id")

            def distance(row) -> float | None:
                if pd.isna(row["year"]):
                    return None
                refs = [y for y in (row["review_year"], row["plan_year"]) if not pd.isna(y)]
                return float(min(abs(row["year"] - y) for y in refs)) if refs else None

            df["year_distance"] = pd.array(merged.apply(distance, axis=1).tolist() if len(merged) else [], dtype="Float64")
        else:
            df["year_distance"] = pd.array([None] * len(df), dtype="Float64")
    return df


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """GX evaluates with numpy semantics: nullable extension dtypes become object/float."""
    out = df.copy()
    for col in out.columns:
        dtype = str(out[col].dtype)
        if dtype in ("Int64", "Float64"):
            out[col] = out[col].astype("float64")
        elif dtype.startswith("string") or dtype == "boolean":
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def run_gate(table: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> GateResult:
    """Validate one table with its suite. Import of GX is deferred (it takes seconds)."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    suite_spec = load_suite(table)
    sets = value_sets(tables)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    except Exception:  # older/newer GX without this variable: bars are cosmetic
        pass
    batch_def = context.data_sources.add_pandas(f"cgr_{table}").add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("all")
    batch = batch_def.get_batch(batch_parameters={"dataframe": _plain(prepare(table, df, tables))})

    result = GateResult(table)
    for spec in suite_spec["expectations"]:
        kwargs = {k: (sets[v] if isinstance(v, str) and v in sets else v) for k, v in spec["kwargs"].items()}
        expectation = ExpectationConfiguration(type=spec["type"], kwargs=kwargs).to_domain_obj()
        if len(df) == 0:
            outcome_success, count, examples = True, 0, []
        else:
            r = batch.validate(expectation, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10})
            outcome_success = bool(r.success)
            count = int(r.result.get("unexpected_count") or 0)
            examples = [_jsonable(x) for x in (r.result.get("partial_unexpected_list") or [])[:10]]
            if not outcome_success and count == 0 and "observed_value" in r.result:
                examples = [_jsonable(r.result["observed_value"])]
        result.outcomes.append(
            ExpectationOutcome(
                table=table,
                type=spec["type"],
                column=spec["kwargs"].get("column") or ",".join(spec["kwargs"].get("column_list", [])) or None,
                severity=spec.get("severity", "error"),
                success=outcome_success,
                unexpected_count=count,
                examples=examples,
                kwargs={k: v for k, v in spec["kwargs"].items() if k != "value_set" or not isinstance(v, list) or len(v) < 20},
            )
        )
    return result


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
