"""validation.html: a one-page, plain-language summary of the gate (no scripts, fonts or remote
images): what was checked, in words; how many checks passed, warned or failed; each warning
explained with examples. GX's own Data Docs (validation/index.html) hold the full detail."""

from __future__ import annotations

import html
import json
import re

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
.ok{color:#176f2c}.fail{color:#b00020;font-weight:bold}.warn{color:#a15c00;font-weight:bold}code{font-size:.9em}
.counts span{display:inline-block;margin-right:1.5em;font-size:1.2em}"""

#: derived columns the gate computes for a check, said in words
DERIVED = {
    "year_distance": "the distance in years between the indicator's year and the nearest of the report's review and plan years",
    "unit_std_expected": "the base unit that the unit vocabulary (pipelines/data/units.yaml) gives the unit as written",
    "rows_in_sentences": "the number of the report's rows in `sentences`",
    "rows_in_indicators": "the number of the report's rows in `indicators`",
    "projects_in_mentions": "the number of distinct projects in the report's rows of `project_mentions`",
}
NAMED_SETS = {"$unit_vocabulary": "the unit vocabulary (every unit in pipelines/data/units.yaml, with or without a multiplier such as 万 or 亿)"}


def _h(text: str) -> str:
    """Escaped text with `code` marked up."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _col(name) -> str:
    return DERIVED.get(name, f"`{name}`")


def _condition(kwargs: dict) -> str:
    cond = kwargs.get("row_condition")
    if not cond:
        return ""
    m = re.fullmatch(r'\s*(\w+)\s*==\s*"([^"]*)"\s*', cond)
    return f" (rows where `{m.group(1)}` is {m.group(2)})" if m else f" (rows where {cond})"


def _bounds(kwargs: dict) -> str:
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    if lo is not None and hi is not None:
        return f"between {lo:g} and {hi:g}"
    return f"at least {lo:g}" if lo is not None else f"at most {hi:g}"


def describe(e: dict) -> str:
    """One expectation in words."""
    kw, t, table = e["kwargs"], e["type"], e["table"]
    col = kw.get("column")
    mostly = kw.get("mostly")
    share = f"at least {mostly:.0%} of rows: " if mostly else ""
    if t == "expect_column_values_to_be_unique":
        text = f"No two rows of `{table}` share a {_col(col)}."
    elif t == "expect_compound_columns_to_be_unique":
        text = f"No two rows of `{table}` share the same {', '.join(f'`{c}`' for c in kw['column_list'])}."
    elif t == "expect_column_values_to_not_be_null":
        text = f"{share}{_col(col)} is filled in." if mostly else f"{_col(col)} is never empty."
    elif t == "expect_column_values_to_be_in_set":
        if kw.get("references"):
            ref_table, ref_col = kw["references"].split(".")
            text = f"Every {_col(col)} names an existing row of `{ref_table}` (its `{ref_col}`)."
        elif isinstance(kw.get("value_set"), str):
            text = f"{_col(col)} is in {NAMED_SETS.get(kw['value_set'], kw['value_set'].lstrip('$').replace('_', ' '))}."
        elif isinstance(kw.get("value_set"), list):
            text = f"{_col(col)} is one of: {', '.join(map(str, kw['value_set']))}."
        else:
            text = f"{_col(col)} is in its list of allowed values."
    elif t == "expect_column_values_to_be_between":
        text = f"{share}{_col(col)} is {_bounds(kw)}{_condition(kw)}."
    elif t == "expect_column_value_lengths_to_be_between":
        text = f"{_col(col)} is {_bounds(kw)} characters long."
    elif t == "expect_column_pair_values_to_be_equal":
        text = f"{_col(kw['column_A'])} equals {_col(kw['column_B'])}."
    elif t == "expect_column_pair_values_a_to_be_greater_than_b":
        text = f"{_col(kw['column_A'])} is greater than {_col(kw['column_B'])}" + (" or equal." if kw.get("or_equal") else " (every span has a length).")
    else:
        text = f"{t.replace('expect_', '').replace('_', ' ')} on {_col(col)}."
    return text[0].upper() + text[1:]


def _examples(values: list) -> str:
    if not values:
        return ""
    shown = ["(empty)" if v is None else (" / ".join(map(str, v)) if isinstance(v, list) else str(v)) for v in values[:5]]
    return "; ".join(shown)


def _severity(e: dict) -> str:
    return "blocks the release if it fails" if e["severity"] == "critical" else "a warning: recorded, does not block"


def counts(gate: dict) -> dict:
    checks = [e for t in gate.get("tables", []) for e in t["expectations"]]
    across = gate.get("across_releases", {}).get("checks", [])
    out = {"passed": sum(e["success"] for e in checks) + sum(c["success"] for c in across),
           "warned": sum(not e["success"] and e["severity"] != "critical" for e in checks) + sum(not c["success"] for c in across),
           "failed": sum(not e["success"] and e["severity"] == "critical" for e in checks)}
    out["total"] = len(checks) + len(across)
    return out


def render_validation_html(version: str, gate: dict) -> str:
    c = counts(gate)
    passed = gate.get("passed")
    p = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Validation of {html.escape(version)}</title><style>{STYLE}</style></head><body>"]
    p.append(f"<h1>Validation of release {html.escape(version)}: <span class='{'ok' if passed else 'fail'}'>{'passed' if passed else 'FAILED'}</span></h1>")
    p.append(f"<p class='counts'><span class='ok'>{c['passed']} passed</span> <span class='warn'>{c['warned']} warned</span> "
             f"<span class='fail'>{c['failed']} failed</span> <span>(of {c['total']} checks)</span></p>")
    p.append("<p>Before a release is published, every table is checked as a whole by Great Expectations. A check that "
             "<b>blocks</b> stops publication when a single row breaks it, so a published release has passed all of them. "
             "A <b>warning</b> is a softer check: the release is published and the warning is explained below. "
             "The full record, check by check with GX's own rendering, is in <a href='validation/index.html'>Great Expectations Data Docs</a>; "
             "the machine-readable results are in <a href='validation.json'>validation.json</a>.</p>")
    warned = [e for t in gate.get("tables", []) for e in t["expectations"] if not e["success"]]
    across = gate.get("across_releases", {})
    across_warned = [x for x in across.get("checks", []) if not x["success"]]
    p.append("<h2>Warnings and failures</h2>")
    if not warned and not across_warned:
        p.append("<p>None: every check passed.</p>")
    else:
        p.append("<ul>")
        for e in warned:
            word = "Failed" if e["severity"] == "critical" else "Warning"
            ex = _examples(e["examples"])
            p.append(f"<li><b>{word}</b> on <code>{html.escape(e['table'])}</code>: {_h(describe(e))} "
                     f"{e['unexpected_count']} rows do not" + (f", for example: {html.escape(ex)}" if ex else "") + ".</li>")
        for x in across_warned:
            ex = "; ".join(f"{d['report_id']}: {d['before']} → {d['now']}" for d in x["examples"])
            p.append(f"<li><b>Warning</b> against the previous release: {_h(x['description'])} "
                     f"{_h(x['message'])}" + (f". Reports that lost rows: {html.escape(ex)}" if ex else "") + ".</li>")
        p.append("</ul>")
    if across.get("compared_with"):
        p.append(f"<h2>Against the previous release ({html.escape(across['compared_with'])})</h2><table><tr><th>check</th><th>result</th><th>what was found</th></tr>")
        for x in across.get("checks", []):
            p.append(f"<tr><td>{_h(x['description'])}</td><td class='{'ok' if x['success'] else 'warn'}'>{'passed' if x['success'] else 'warning'}</td>"
                     f"<td>{_h(x['message'])}</td></tr>")
        p.append("</table>")
    p.append("<h2>What was checked, table by table</h2>")
    for t in gate.get("tables", []):
        p.append(f"<h3>{html.escape(t['table'])}</h3><table><tr><th>check</th><th>kind</th><th>result</th></tr>")
        for e in t["expectations"]:
            cls, word = ("ok", "passed") if e["success"] else (("fail", "failed") if e["severity"] == "critical" else ("warn", "warning"))
            p.append(f"<tr><td>{_h(describe(e))}</td><td>{_severity(e)}</td><td class='{cls}'>{word}"
                     + ("" if e["success"] else f" ({e['unexpected_count']} rows)") + "</td></tr>")
        p.append("</table>")
    p.append("</body></html>")
    return "\n".join(p)


def render_validation_json(gate: dict) -> str:
    return json.dumps(gate, ensure_ascii=False, indent=2, default=str)
