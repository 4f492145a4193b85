"""The validation gate: one Great Expectations suite per table, run by GX 1.x on the whole table
with GX's own severity (`critical` blocks a release, `warning` is recorded).

A suite has two sources:
- the registry (pipelines/registry.py): primary and unique keys, required columns, vocabularies,
  bounds and foreign keys, turned into native GX expectations here;
- expectations/suites/<table>.json: only what the registry cannot state (bounds that depend on
  the measure, the distance of a year to the report's years, the unit lexicon, soft warnings).
  A value set written `"$name"` there is resolved at run time.
"""

from __future__ import annotations

import json
import logging
import re
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

SUITES = Path(__file__).parent / "suites"
BLOCKING = "critical"


@dataclass
class ExpectationOutcome:
    table: str
    type: str
    column: str | None
    severity: str  # GX severity: critical (blocks), warning, info
    success: bool
    unexpected_count: int
    examples: list
    kwargs: dict
    source: str = "registry"  # registry | suite

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
        return all(o.success for o in self.outcomes if o.severity == BLOCKING)

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == BLOCKING]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "warning"]

    def to_json(self) -> dict:
        return {"table": self.table, "passed": self.passed, "expectations": [o.__dict__ for o in self.outcomes]}


def load_suite(table: str) -> dict:
    path = SUITES / f"{table}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"table": table, "expectations": []}


def _ids(tables: dict[str, pd.DataFrame], table: str, column: str) -> list:
    df = tables.get(table)
    return sorted(df[column].dropna().unique().tolist()) if df is not None and len(df) else []


def registry_specs(table: str, tables: dict[str, pd.DataFrame]) -> list[dict]:
    """The registry's facts about a table as expectation specs ({type, kwargs, severity})."""
    from pipelines import registry

    t = registry.TABLES[table]
    specs = []
    if len(t.primary_key) == 1:
        specs.append({"type": "expect_column_values_to_be_unique", "kwargs": {"column": t.primary_key[0]}})
    else:
        specs.append({"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": list(t.primary_key)}})
    for f in t.fields:
        if f.unique and (f.name,) != t.primary_key:
            specs.append({"type": "expect_column_values_to_be_unique", "kwargs": {"column": f.name}})
        if not f.nullable:
            specs.append({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": f.name}})
        if f.enum:
            specs.append({"type": "expect_column_values_to_be_in_set", "kwargs": {"column": f.name, "value_set": list(f.enum)}})
        if f.minimum is not None or f.maximum is not None:
            specs.append({"type": "expect_column_values_to_be_between",
                          "kwargs": {"column": f.name, "min_value": f.minimum, "max_value": f.maximum}})
    for column, ref_table, ref_column in t.foreign_keys:
        specs.append({"type": "expect_column_values_to_be_in_set",
                      "kwargs": {"column": column, "value_set": _ids(tables, ref_table, ref_column)}, "foreign_key": f"{ref_table}.{ref_column}"})
    for s in specs:
        s["severity"] = BLOCKING
    return specs


def value_sets() -> dict[str, list]:
    """Named vocabularies the hand-written suites may use (lexicons, not registry facts)."""
    from pipelines.extracted.indicators import unit_vocabulary

    return {"$unit_vocabulary": unit_vocabulary()}


def expected_unit_std(unit: str | None) -> str:
    """The base unit that units.yaml gives a unit as written: `[multiplier]unit` -> the unit's
    `std`; a bare multiplier (35万城乡参保居民) -> empty; an unknown unit -> `?` (never equal)."""
    from pipelines.extracted.indicators import units

    table, mults, _ = units()
    if unit is None or pd.isna(unit):
        return "?"
    if unit in table:
        return table[unit]["std"]
    if unit in mults:
        return ""
    for m in sorted(mults, key=len, reverse=True):
        if unit.startswith(m) and unit[len(m):] in table:
            return table[unit[len(m):]]["std"]
    return "?"


def _per_report(tables: dict[str, pd.DataFrame], table: str, count) -> pd.Series:
    df = tables.get(table)
    if df is None or not len(df):
        return pd.Series(dtype="float64")
    return count(df.groupby("report_id"))


def prepare(table: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Derived columns some expectations read (not published)."""
    if table == "target_outcomes":
        return _with_met_expected(df, tables.get("indicator_catalog"))
    if table == "reports" and len(df):
        # the sizes a report row states, counted again in the tables they describe
        df = df.copy()
        counted = {
            "rows_in_sentences": _per_report(tables, "sentences", lambda g: g.size()),
            "rows_in_indicators": _per_report(tables, "indicators", lambda g: g.size()),
            "projects_in_mentions": _per_report(tables, "project_mentions", lambda g: g["project_id"].nunique()),
        }
        for col, series in counted.items():
            df[col] = pd.array(df["report_id"].map(series).fillna(0).astype(float).tolist(), dtype="Float64")
    if table == "indicators" and len(df):
        df = df.copy()
        df["unit_std"] = df["unit_std"].fillna("")
        df["unit_std_expected"] = [expected_unit_std(u) if m != "rank" else "位" for u, m in zip(df["unit"], df["measure"])]
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


#: columns prepare() reads to derive its columns, per table, and the derived columns it adds
PREPARE_READS = {
    "reports": {"reports": ["report_id"], "sentences": ["report_id"], "indicators": ["report_id"],
                "project_mentions": ["report_id", "project_id"]},
    "indicators": {"indicators": ["report_id", "year", "unit", "measure", "unit_std"], "reports": ["report_id", "review_year", "plan_year"]},
    "target_outcomes": {"target_outcomes": ["actual_value", "gap", "indicator_code", "measure", "target_qualifier", "target_value",
                                            "target_value_max", "unit", "met"],
                        "indicator_catalog": ["indicator_code", "better"]},
}
PREPARE_ADDS = {"reports": ["rows_in_sentences", "rows_in_indicators", "projects_in_mentions"],
                "indicators": ["year_distance", "unit_std_expected"], "target_outcomes": ["met_expected", "gap_error"]}
NULLNESS_ONLY = "expect_column_values_to_not_be_null"


def columns_read() -> dict[str, dict[str, bool]]:
    """table -> {column: whether its values matter (False: only whether it is null)} for every
    column an expectation, a foreign key's value set or prepare() reads. Columns nobody reads
    (sentence texts, token lists) stay on disk."""
    from pipelines import registry

    reads: dict[str, dict[str, bool]] = {name: {} for name in registry.TABLES}

    def need(table: str, column: str, values: bool) -> None:
        if column in registry.TABLES[table].columns:
            reads[table][column] = reads[table].get(column, False) or values

    for name, t in registry.TABLES.items():
        for spec in registry_specs(name, {}) + load_suite(name)["expectations"]:
            kw = spec["kwargs"]
            named = [kw[k] for k in ("column", "column_A", "column_B") if k in kw] + list(kw.get("column_list", []))
            for column in named:
                need(name, column, spec["type"] != NULLNESS_ONLY)
            for word in re.findall(r"[A-Za-z_]\w*", kw.get("row_condition") or ""):
                need(name, word, True)
        for _column, ref_table, ref_column in t.foreign_keys:
            need(ref_table, ref_column, True)
        for table, columns in PREPARE_READS.get(name, {}).items():
            for column in columns:
                need(table, column, True)
    return reads


def load_for_gates(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables written by write_tables into `folder`, each with only the columns the gates
    read: a column read only for nulls arrives as True / None (same nulls, no text)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = {}
    for name, columns in columns_read().items():
        path = folder / f"{name}.parquet"
        values = [c for c, v in columns.items() if v]
        df = pd.read_parquet(path, columns=values) if values else pd.DataFrame(index=range(pq.ParquetFile(path).metadata.num_rows))
        for column in (c for c, v in columns.items() if not v):
            valid = pc.is_valid(pq.read_table(path, columns=[column]).column(column)).to_numpy(zero_copy_only=False)
            df[column] = pd.Series(valid, dtype=object).where(valid, None)
        out[name] = df
    return out
def _with_met_expected(df: pd.DataFrame, catalog: pd.DataFrame | None) -> pd.DataFrame:
    """`met_expected`: the DATASET rule restated as the interval the actual must fall in (the range;
    [target, inf) for at_least and no qualifier; (target, inf) for more_than; (-inf, target] for
    at_most; the target less the tolerance for approx; mirrored where the catalogue says lower is
    better; undecidable for a rank), and `gap_error`: gap minus (actual - target)."""
    from pipelines.validated.target_outcomes import tolerance

    df = df.copy()
    lower = set(catalog.loc[catalog["better"] == "lower", "indicator_code"]) if catalog is not None and len(catalog) else set()
    inf = float("inf")
    expected = []
    for r in df.itertuples():
        t, a, q = float(r.target_value), float(r.actual_value), (None if pd.isna(r.target_qualifier) else r.target_qualifier)
        down = r.indicator_code in lower
        if r.measure == "rank":
            expected.append(None)
            continue
        if not pd.isna(r.target_value_max):
            lo, hi = t, float(r.target_value_max)
        elif q == "approx":
            tol = tolerance(t, r.unit)
            lo, hi = (-inf, t + tol) if down else (t - tol, inf)
        elif q == "more_than":
            lo, hi = math.nextafter(t, inf), inf
        elif q == "at_most" or (q is None and down):
            lo, hi = -inf, t
        else:
            lo, hi = t, inf
        expected.append(lo <= a <= hi)
    df["met_expected"] = pd.array(expected, dtype="boolean")
    df["gap_error"] = (df["gap"] - (df["actual_value"] - df["target_value"])).astype("Float64")
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


def all_specs(table: str, tables: dict[str, pd.DataFrame]) -> list[dict]:
    """The table's suite: the registry's facts, then the hand-written suite."""
    specs = [dict(s, source="registry") for s in registry_specs(table, tables)]
    return specs + [dict(s, source="suite") for s in load_suite(table)["expectations"]]


def build_suite(table: str, specs: list[dict]):
    """A GX ExpectationSuite from specs (named value sets resolved; `meta.i` is the spec's index)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    sets = value_sets()
    suite = gx.ExpectationSuite(name=f"cgr_{table}")
    for i, spec in enumerate(specs):
        kwargs = {k: (sets[v] if isinstance(v, str) and v in sets else v) for k, v in spec["kwargs"].items()}
        suite.add_expectation_configuration(ExpectationConfiguration(type=spec["type"], kwargs=kwargs, severity=spec["severity"], meta={"i": i}))
    return suite


def run_gate(table: str, df: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> GateResult:
    """Validate one table with its suite. Import of GX is deferred (it takes seconds)."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    specs = all_specs(table, tables)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    except Exception:  # older/newer GX without this variable: bars are cosmetic
        pass
    suite = build_suite(table, specs)

    result = GateResult(table)
    if len(df):
        batch_def = context.data_sources.add_pandas(f"cgr_{table}").add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("all")
        batch = batch_def.get_batch(batch_parameters={"dataframe": _plain(prepare(table, df, tables))})
        validation = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10})
        runs = [None] * len(specs)
        for r in validation.results:  # GX may run them in its own order: match by the index in meta
            runs[r.expectation_config.meta["i"]] = r
    else:
        runs = [None] * len(specs)
    for spec, r in zip(specs, runs):
        if r is None:  # an empty table meets every expectation
            success, count, examples = True, 0, []
        else:
            success = bool(r.success)
            count = int(r.result.get("unexpected_count") or 0)
            examples = [_jsonable(x) for x in (r.result.get("partial_unexpected_list") or [])[:10]]
            if not success and count == 0 and "observed_value" in r.result:
                examples = [_jsonable(r.result["observed_value"])]
            if r.exception_info and r.exception_info.get("raised_exception"):
                examples = [r.exception_info.get("exception_message")]
        kw = spec["kwargs"]
        result.outcomes.append(ExpectationOutcome(
            table=table,
            type=spec["type"],
            column=kw.get("column") or ",".join(kw.get("column_list", []) or [kw[k] for k in ("column_A", "column_B") if k in kw]) or None,
            severity=spec["severity"],
            success=success,
            unexpected_count=count,
            examples=examples,
            # long value sets (ids, lexicons) are left out of the record; foreign keys are named instead
            kwargs={**{k: v for k, v in kw.items() if k != "value_set" or not isinstance(v, list) or len(v) < 20},
                    **({"references": spec["foreign_key"]} if "foreign_key" in spec else {})},
            source=spec["source"],
        ))
    return result


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
