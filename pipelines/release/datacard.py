"""The release's data card (README.md, and README.html for the catalog) and its data licence
file (DATA_LICENSE.md): what the data is, where each source came from and under which terms its
text is republished, how to cite and load it, every column, the evaluation figures and the
known limits. Both renderings come from one list of sections, so they never disagree."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from .. import registry

EVALUATION = Path(__file__).with_name("evaluation.json")
DATA_LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
LICENSE_FILE = "DATA_LICENSE.md"
#: columns that quote the sources' own text (republished under each source's terms, not CC BY)
QUOTED_COLUMNS = ("sentences.text", "sentences.text_source", "sentences.tokens", "indicators.text", "project_mentions.name_as_written")

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
pre{background:#f5f5f5;padding:.6em;overflow-x:auto}code{font-size:.9em}"""


def _value(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "":
        return "not recorded"
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def terms_statement() -> str:
    cols = ", ".join(f"`{c}`" for c in QUOTED_COLUMNS)
    return (f"The extracted data (indicators, projects, report metadata), the table structure and the documentation "
            f"are published under {DATA_LICENSE['title']} ({DATA_LICENSE['name']}). That licence does **not** cover the "
            f"source texts: the columns that quote them ({cols}) republish each source's text under that source's own "
            f"terms, listed per source below. Where a source's terms are `unknown`, its text is included for research, "
            f"verification and reference (every figure can be checked against its sentence); rights remain with the "
            f"publisher, and reuse beyond quotation needs the publisher's permission.")


def load_evaluation() -> list[dict]:
    return json.loads(EVALUATION.read_text(encoding="utf-8")) if EVALUATION.exists() else []


def sections(version: str, created: str, tables: dict[str, pd.DataFrame], gate: dict, entry: dict) -> list[tuple[str, list]]:
    """[(heading, blocks)]; a block is ("p", text), ("ul", [items]), ("table", header, rows) or ("code", lang, text)."""
    from .validation_report import counts

    reports = tables["reports"]
    c = counts(gate)
    districts = ", ".join(sorted(reports["district"].dropna().unique())) or "none"
    out: list[tuple[str, list]] = []
    out.append((f"cn-gov-reports {version}", [
        ("p", "Economic indicators and named projects extracted from Chinese local-government reports (government work "
              "reports, plan-execution reports, economic-work-conference news), with every figure traceable to its "
              "sentence and character offsets in the decoded source text."),
        ("ul", [f"Created: {created}", f"Reports: {len(reports)} (districts: {districts})",
                f"Validation: {'passed' if gate.get('passed') else 'FAILED'}: {c['passed']} checks passed, {c['warned']} warned, "
                f"{c['failed']} failed (`validation.html`; Great Expectations Data Docs in `validation/index.html`)",
                f"Code: cn-gov-reports {entry.get('code_version', 'unknown')}, code fingerprint `{entry.get('code_fingerprint', 'unknown')}`, "
                f"content fingerprint `{entry.get('content_fingerprint', '')}`"]),
        ("table", ["table", "rows", "what"], [[f"`{n}`", str(len(tables[n])), registry.TABLES[n].description] for n in registry.TABLES]),
        ("p", "Files: each table as Parquet (zstd, column descriptions in the Arrow field metadata) and CSV (UTF-8 with BOM, "
              "RFC 4180). `datapackage.json` describes every field; `SHA256SUMS` lets you check every file "
              "(`sha256sum -c SHA256SUMS`); `CHANGELOG.md` says what changed against the previous release; `rejected.json` "
              "lists refused input files with the reason; `release.json` records the build."),
    ]))
    rows = [[f"`{r.report_id}`", _value(r.source_publisher), _value(r.source_url), _value(r.source_licence), _value(r.accessed_date),
             f"`{r.source_sha256[:16]}…`"] for r in reports.itertuples()]
    out.append(("Sources and terms of republication", [
        ("p", terms_statement()),
        ("table", ["report", "publisher", "address", "terms (licence)", "obtained", "sha256"], rows),
        ("p", "`not recorded` means the report has no curator's sidecar for that field; `unknown` means the curator "
              "does not know it. The same list is in `datapackage.json` (`sources`)."),
    ]))
    out.append(("How to cite", [
        ("p", f"cn-gov-reports contributors, *cn-gov-reports dataset*, version {version.lstrip('v')} ({created[:10]}), "
              f"licence {DATA_LICENSE['name']} (source texts under their own terms). The code is cited with its `CITATION.cff`."),
    ]))
    out.append(("Licence", [("p", terms_statement() + f" The terms are in `{LICENSE_FILE}`.")]))
    out.append(("Loading the data", [
        ("code", "python", "import pandas as pd\n"
                           "indicators = pd.read_parquet(\"indicators.parquet\")\n"
                           "# or: pd.read_csv(\"indicators.csv\", encoding=\"utf-8-sig\")"),
        ("code", "sql", "-- DuckDB\n"
                        "SELECT district, year, metric, value, unit\n"
                        "FROM 'indicators.parquet' WHERE measure = 'growth_rate' ORDER BY district, year;"),
        ("code", "r", "# R, with the arrow package\n"
                      "library(arrow)\n"
                      "indicators <- read_parquet(\"indicators.parquet\")"),
    ]))
    evaluation = load_evaluation()
    if evaluation:
        erows = [[e["set"], str(e["reports"]), f"{e['indicators']['precision']:.3f} / {e['indicators']['recall']:.3f} / {e['indicators']['f1']:.3f}",
                  ", ".join(f"{k} {v:.3f}" for k, v in e["indicator_attributes"].items()),
                  f"{e['projects']['precision']:.3f} / {e['projects']['recall']:.3f} / {e['projects']['f1']:.3f}"] for e in evaluation]
        out.append(("Evaluation", [
            ("p", "Extraction scored against hand-made gold annotations (`cgr evaluate`), as recorded for this code in "
                  "`pipelines/release/evaluation.json`. These figures describe the extraction rules on the annotated sets, "
                  "not every report of this release."),
            ("table", ["gold set", "reports", "indicators P / R / F1", "indicator attributes (accuracy)", "projects P / R / F1"], erows),
        ]))
    out.append(("Known limits", [("ul", [
        "Extraction is rule-based; see the evaluation figures above for how often it is right.",
        "Quantities written only in Chinese numerals (三所, 八成) are not extracted.",
        "`year` and `kind` come from context when a clause states neither; the share of indicators without a year is "
        "recorded as a warning in `validation.html` and compared with the previous release.",
        "Characters damaged beyond repair in a source are marked U+FFFD; clauses holding one are not extracted.",
        "Report metadata the text does not state (a year, an area) comes from a curator's sidecar where one exists "
        "(`reports.curated_fields`).",
    ])]))
    col_blocks = []
    for name, table in registry.TABLES.items():
        col_blocks.append(("p", f"**{name}** (primary key `{', '.join(table.primary_key)}`): {table.description}"))
        col_blocks.append(("table", ["column", "type", "required", "description"],
                           [[f"`{f.name}`", f.type, "yes" if not f.nullable else "",
                             f.description + (f" One of: {', '.join(f.enum)}." if f.enum else "")] for f in table.fields]))
    out.append(("Columns", col_blocks))
    return out


def render_markdown(secs: list[tuple[str, list]]) -> str:
    lines = []
    for i, (heading, blocks) in enumerate(secs):
        lines += [("# " if i == 0 else "## ") + heading, ""]
        for b in blocks:
            if b[0] == "p":
                lines += [b[1], ""]
            elif b[0] == "ul":
                lines += [f"- {item}" for item in b[1]] + [""]
            elif b[0] == "table":
                lines += ["| " + " | ".join(b[1]) + " |", "|" + "---|" * len(b[1])]
                lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in b[2]] + [""]
            elif b[0] == "code":
                lines += [f"```{b[1]}", b[2], "```", ""]
    return "\n".join(lines)


def _inline(text: str) -> str:
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)
    return re.sub(r"\*([^*]+)\*", r"<i>\1</i>", out)


def render_html(secs: list[tuple[str, list]]) -> str:
    title = html.escape(secs[0][0]) if secs else "data card"
    p = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title><style>{STYLE}</style></head><body>"]
    for i, (heading, blocks) in enumerate(secs):
        p.append(f"<h{1 if i == 0 else 2}>{html.escape(heading)}</h{1 if i == 0 else 2}>")
        for b in blocks:
            if b[0] == "p":
                p.append(f"<p>{_inline(b[1])}</p>")
            elif b[0] == "ul":
                p.append("<ul>" + "".join(f"<li>{_inline(x)}</li>" for x in b[1]) + "</ul>")
            elif b[0] == "table":
                p.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in b[1]) + "</tr>"
                         + "".join("<tr>" + "".join(f"<td>{_inline(str(c))}</td>" for c in row) + "</tr>" for row in b[2]) + "</table>")
            elif b[0] == "code":
                p.append(f"<pre><code>{html.escape(b[2])}</code></pre>")
    p.append("</body></html>")
    return "\n".join(p)


def license_markdown(reports: pd.DataFrame) -> str:
    lines = ["# Licence of this release", "", terms_statement(), "",
             f"## {DATA_LICENSE['title']}", "",
             f"Licence text: {DATA_LICENSE['path']} (legal code: {DATA_LICENSE['path']}legalcode). You may share and adapt "
             "the material for any purpose, even commercially, provided you give appropriate credit (see the data card's "
             "\"How to cite\"), link to the licence, and indicate if changes were made.", "",
             "## Source texts, by source", "", "| report | publisher | terms |", "|---|---|---|"]
    lines += [f"| {r.report_id} | {_value(r.source_publisher)} | {_value(r.source_licence)} |" for r in reports.itertuples()]
    return "\n".join(lines) + "\n"


def write_datacard(out: Path, version: str, created: str, tables: dict[str, pd.DataFrame], gate: dict, entry: dict) -> None:
    secs = sections(version, created, tables, gate, entry)
    (out / "README.md").write_text(render_markdown(secs), encoding="utf-8")
    (out / "README.html").write_text(render_html(secs), encoding="utf-8")
    (out / LICENSE_FILE).write_text(license_markdown(tables["reports"]), encoding="utf-8")
