"""releases/index.html: the human catalog of every release, with links, sizes, checksums, gate
status and charts of the latest release (indicators per district and year; targets against
outcomes for the catalogue codes with the most figures) drawn as inline SVG at publication time (works offline)."""

from __future__ import annotations

import html
import os
from pathlib import Path

from .store import read_sums

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:72em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left}
code{font-size:.8em;word-break:break-all}.latest{background:#eef6ee}h2{margin-top:1.5em}"""


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _chart_svg(folder: Path) -> str:
    """Indicators per district and year in the latest release, as a bar chart."""
    try:
        import pandas as pd

        ind = pd.read_parquet(folder / "indicators.parquet", columns=["district", "year"])
    except Exception:
        return ""
    counts = ind.fillna({"district": "?"}).groupby(["district", "year"], dropna=False).size().reset_index(name="n")
    if counts.empty:
        return "<p>No indicators in this release.</p>"
    counts["label"] = counts["district"].astype(str) + " " + counts["year"].astype("string").fillna("?")
    width, bar_h, gap, left = 640, 22, 6, 170
    top = int(counts["n"].max())
    height = len(counts) * (bar_h + gap) + 10
    rows = []
    for i, r in enumerate(counts.itertuples()):
        y = 5 + i * (bar_h + gap)
        w = max(1, int((width - left - 60) * r.n / top))
        rows.append(
            f"<text x='{left - 6}' y='{y + 15}' text-anchor='end' font-size='13'>{html.escape(r.label)}</text>"
            f"<rect x='{left}' y='{y}' width='{w}' height='{bar_h}' fill='#4a7ab5'/>"
            f"<text x='{left + w + 4}' y='{y + 15}' font-size='12'>{r.n}</text>"
        )
    return (f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='Indicators per district and year' "
            f"width='{width}' height='{height}'>{''.join(rows)}</svg>")


MET_COLOURS = {True: "#2e7d32", False: "#c62828", None: "#4a7ab5"}


def _read(folder: Path, table: str, columns: list[str]):
    import pandas as pd

    try:
        return pd.read_parquet(folder / f"{table}.parquet", columns=columns)
    except Exception:  # a release from before the table or column existed
        return None


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"


def targets_chart_svg(folder: Path, n_codes: int = 4, n_rows: int = 10) -> str:
    """For the catalogue codes with the most figures: each area and year's target (hollow diamond,
    a bar for a range) against its outcome (dot), green where met, red where missed, blue where
    the other half is missing. One panel per code, on the code's most targeted measure."""
    import pandas as pd

    ind = _read(folder, "indicators", ["indicator_id", "district", "admin_code", "year", "kind", "indicator_code", "measure",
                                       "value", "value_max", "value_std", "unit_std"])
    if ind is None:
        return ""
    ind = ind[ind["indicator_code"].notna() & ind["year"].notna()]
    if ind.empty:
        return "<p>No catalogued indicators with a year in this release.</p>"
    outcomes = _read(folder, "target_outcomes", ["target_indicator_id", "actual_indicator_id", "met"])
    met, actual_met = {}, {}
    for r in ([] if outcomes is None else outcomes.itertuples()):
        met[r.target_indicator_id] = None if pd.isna(r.met) else bool(r.met)
        actual_met.setdefault(r.actual_indicator_id, met[r.target_indicator_id])
    cat = _read(folder, "indicator_catalog", ["indicator_code", "name_en"])
    names = {} if cat is None else dict(zip(cat["indicator_code"], cat["name_en"]))
    reports = _read(folder, "reports", ["report_id", "city", "province"])
    ind = _read(folder, "indicators", ["indicator_id", "report_id"]).merge(ind, on="indicator_id") if reports is not None else ind
    if reports is not None:  # the area's most specific name: district, else city, else province
        ind = ind.merge(reports, on="report_id", how="left")
        ind["district"] = ind["district"].fillna(ind["city"]).fillna(ind["province"])
    ind = ind.assign(area=ind["district"].fillna(ind["admin_code"]).fillna("?"), targeted=ind["indicator_id"].isin(met))
    width, left, right, row_h = 720, 150, 90, 22
    panels, y = [], 28
    legend = ("<g font-size='12'><polygon points='10,12 16,6 22,12 16,18' fill='white' stroke='#555' stroke-width='2'/>"
              "<text x='28' y='16'>target</text><circle cx='90' cy='12' r='5' fill='#555'/><text x='100' y='16'>outcome</text>"
              f"<rect x='170' y='6' width='12' height='12' fill='{MET_COLOURS[True]}'/><text x='188' y='16'>met</text>"
              f"<rect x='230' y='6' width='12' height='12' fill='{MET_COLOURS[False]}'/><text x='248' y='16'>missed</text>"
              f"<rect x='310' y='6' width='12' height='12' fill='{MET_COLOURS[None]}'/><text x='328' y='16'>no pair yet</text></g>")
    for code in ind["indicator_code"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index[:n_codes]:
        rows = ind[ind["indicator_code"] == code]
        score = rows.groupby("measure").agg(t=("targeted", "sum"), k=("kind", lambda k: (k == "target").sum()), n=("kind", "size"))
        measure = score.sort_values(["t", "k", "n"], ascending=False, kind="stable").index[0]
        rows = rows[rows["measure"] == measure]
        unit = rows["unit_std"].dropna().mode()
        unit = unit.iloc[0] if len(unit) else ""
        groups = sorted(rows.groupby(["area", "year"]), key=lambda g: (-int(g[0][1]), str(g[0][0])))[:n_rows]
        values = [v for _, g in groups for v in [*g["value_std"].dropna(), *g["value_max"].dropna()]]
        lo, hi = min(values + [0.0]), max(values + [0.0])
        span = (hi - lo) or 1.0

        def x(v: float) -> float:
            return left + (width - left - right) * (v - lo) / span

        title = f"{code} — {names.get(code, '')} ({measure}, {unit})"
        parts = [f"<text x='0' y='{y + 14}' font-size='14' font-weight='bold'>{html.escape(title)}</text>"]
        y += 22
        for (area, year), g in sorted(groups, key=lambda g: (str(g[0][0]), int(g[0][1]))):
            cy = y + row_h / 2
            parts.append(f"<text x='{left - 8}' y='{cy + 4}' text-anchor='end' font-size='12'>{html.escape(f'{area} {int(year)}')}</text>"
                         f"<line x1='{left}' x2='{width - right}' y1='{cy}' y2='{cy}' stroke='#ddd'/>")
            labels = []
            targets, actuals = g[g["kind"] == "target"], g[g["kind"] == "actual"]
            for t in targets.itertuples():
                colour = MET_COLOURS[met.get(t.indicator_id)]
                tx = x(t.value_std)
                if pd.notna(t.value_max) and t.value:  # a range, drawn in value_std
                    tmax = x(t.value_std * t.value_max / t.value)
                    parts.append(f"<rect x='{tx:.1f}' y='{cy - 3}' width='{max(tmax - tx, 1):.1f}' height='6' fill='none' stroke='{colour}' stroke-width='2'/>")
                parts.append(f"<polygon points='{tx - 6:.1f},{cy} {tx:.1f},{cy - 6} {tx + 6:.1f},{cy} {tx:.1f},{cy + 6}' fill='white' "
                             f"stroke='{colour}' stroke-width='2'><title>target {_fmt(t.value_std)}</title></polygon>")
                labels.append(f"◇{_fmt(t.value_std)}")
            for a in actuals.itertuples():
                colour = MET_COLOURS[actual_met.get(a.indicator_id)]
                parts.append(f"<circle cx='{x(a.value_std):.1f}' cy='{cy}' r='5' fill='{colour}'><title>outcome {_fmt(a.value_std)}</title></circle>")
                labels.append(f"●{_fmt(a.value_std)}")
            parts.append(f"<text x='{width - right + 6}' y='{cy + 4}' font-size='11'>{html.escape(' '.join(labels[:3]))}</text>")
            y += row_h
        y += 14
        panels.append("".join(parts))
    return (f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='Targets against outcomes by area and year' "
            f"width='{width}' height='{y}' font-family='system-ui,sans-serif'>{legend}{''.join(panels)}</svg>")


def render_catalog(releases: Path, index: dict) -> str:
    latest = index.get("latest")
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>cn-gov-reports releases</title><style>{STYLE}</style></head><body>"]
    parts.append("<h1>cn-gov-reports releases</h1><p>Indicators and projects extracted from Chinese local-government reports. "
                 "Check any download with <code>sha256sum -c SHA256SUMS</code> inside its folder.</p>")
    if latest and (releases / latest).exists():
        parts.append(f"<h2>Latest: {html.escape(latest)} — indicators per district and year</h2>")
        parts.append(_chart_svg(releases / latest))
        parts.append(f"<h2>Latest: {html.escape(latest)} — targets against outcomes, for the indicators with the most figures</h2>")
        parts.append(targets_chart_svg(releases / latest))
    for entry in sorted(index.get("releases", []), key=lambda r: [int(x) for x in r["version"].lstrip("v").split(".")], reverse=True):
        v = entry["version"]
        folder = releases / v
        sums = read_sums(folder)
        mark = " (latest)" if v == latest else ""
        parts.append(f"<h2 id='{html.escape(v)}'>{html.escape(v)}{mark}</h2>")
        parts.append(f"<p>Created {html.escape(entry['created'])} · gate: {html.escape(entry.get('gate', '?'))} · "
                     f"<a href='{v}/README.html' title='what the data is, sources and terms, citation, columns'>data card</a> · "
                     f"<a href='{v}/validation.html'>validation summary</a> · "
                     + (f"<a href='{v}/validation/index.html'>Great Expectations Data Docs</a> · " if (folder / "validation" / "index.html").exists() else "")
                     + f"<a href='{v}/CHANGELOG.md'>changelog</a> · <a href='{v}/DATA_LICENSE.md'>licence</a> · <a href='{v}/datapackage.json'>datapackage.json</a> · "
                     f"<a href='{v}/SHA256SUMS'>SHA256SUMS</a> · <a href='{v}/rejected.json'>rejected files</a></p>")
        parts.append(f"<table class='{'latest' if mark else ''}'><tr><th>table</th><th>rows</th><th>Parquet</th><th>CSV</th><th>sha256 (Parquet / CSV)</th></tr>")
        for table, rows in entry.get("row_counts", {}).items():
            cells = []
            for fmt in ("parquet", "csv"):
                p = folder / f"{table}.{fmt}"
                cells.append(f"<a href='{v}/{table}.{fmt}'>{fmt}</a> ({_size(p.stat().st_size) if p.exists() else 'missing'})")
            digests = " / ".join(sums.get(f"{table}.{fmt}", "?")[:16] + "…" for fmt in ("parquet", "csv"))
            parts.append(f"<tr><td>{html.escape(table)}</td><td>{rows}</td><td>{cells[0]}</td><td>{cells[1]}</td><td><code>{digests}</code></td></tr>")
        parts.append("</table>")
        if entry.get("rejected"):
            parts.append("<p>Refused input files: " + ", ".join(html.escape(r) for r in entry["rejected"]) + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_catalog(releases: Path, index: dict) -> None:
    path = releases / "index.html"
    tmp = path.with_name(f".index.html.{os.getpid()}.tmp")
    tmp.write_text(render_catalog(releases, index), encoding="utf-8")
    os.replace(tmp, path)
