"""Checks across releases: what the new release lost against the previous one. A table can
only lose rows for a reason a reader should see (a report removed); rows lost otherwise, or a
larger share of indicators without a year, point at a rule that went wrong. These are warnings
(recorded in validation.json, validation.html and release.json), never blocking: a changed rule
may remove rows on purpose."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import registry

SEVERITY = "warning"


def _check(name: str, description: str, success: bool, message: str, examples: list | None = None) -> dict:
    return {"name": name, "description": description, "severity": SEVERITY, "success": success,
            "message": message, "examples": examples or []}


def null_year_share(indicators: pd.DataFrame) -> float | None:
    return float(indicators["year"].isna().mean()) if len(indicators) else None


def across_releases(tables: dict[str, pd.DataFrame], previous: dict | None, previous_dir: Path | None) -> dict:
    """The checks against the previous release: {compared_with, checks: [...]}."""
    if previous is None or previous_dir is None or not previous_dir.exists():
        return {"compared_with": None, "checks": []}
    checks = []
    removed = sorted(set(previous.get("report_ids", [])) - set(tables["reports"]["report_id"]))
    prev_counts = previous.get("row_counts", {})
    for name in registry.TABLES:
        before, now = prev_counts.get(name), len(tables[name])
        if before is None:
            continue
        lost = before - now
        ok = lost <= 0 or bool(removed)
        examples = [] if ok else _reports_that_lost(tables, previous_dir, name)
        message = (f"{name}: {now} rows, {before} in {previous['version']}"
                   + ("" if lost <= 0 else f"; {lost} rows lost" + (f" with reports removed ({', '.join(removed)})" if removed else " though no report was removed")))
        checks.append(_check(f"rows_kept:{name}", f"The {name} table keeps its rows unless a report is removed.", ok, message, examples))
    prev_ind = previous_dir / "indicators.parquet"
    if prev_ind.exists():
        before = null_year_share(pd.read_parquet(prev_ind, columns=["year"]))
        now = null_year_share(tables["indicators"])
        if before is not None and now is not None:
            ok = now <= before + 1e-9
            checks.append(_check(
                "null_year_share", "The share of indicators without a year does not grow.", ok,
                f"indicators without a year: {now:.1%}, {before:.1%} in {previous['version']}"))
    return {"compared_with": previous["version"], "checks": checks}


def _reports_that_lost(tables: dict[str, pd.DataFrame], previous_dir: Path, name: str) -> list[dict]:
    """Reports whose rows in `name` dropped (tables with a report_id column), largest loss first."""
    path = previous_dir / f"{name}.parquet"
    if "report_id" not in registry.TABLES[name].columns or not path.exists():
        return []
    before = pd.read_parquet(path, columns=["report_id"])["report_id"].value_counts()
    now = tables[name]["report_id"].value_counts()
    current = set(tables["reports"]["report_id"])
    lost = {rid: (int(n), int(now.get(rid, 0))) for rid, n in before.items() if rid in current and now.get(rid, 0) < n}
    ranked = sorted(lost.items(), key=lambda kv: (kv[1][1] - kv[1][0], kv[0]))
    return [{"report_id": rid, "before": b, "now": n} for rid, (b, n) in ranked[:10]]


def warnings(result: dict) -> list[str]:
    """One line per failed check, for release.json and the build's output."""
    return [f"across releases: {c['message']}" for c in result.get("checks", []) if not c["success"]]
