"""releases/index.html: the human catalog of every release, with links, sizes, checksums, gate
status and a chart of the latest release drawn as inline SVG at publication time (works offline)."""

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


def render_catalog(releases: Path, index: dict) -> str:
    latest = index.get("latest")
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>cn-gov-reports releases</title><style>{STYLE}</style></head><body>"]
    parts.append("<h1>cn-gov-reports releases</h1><p>Indicators and projects extracted from Chinese local-government reports. "
                 "Check any download with <code>sha256sum -c SHA256SUMS</code> inside its folder.</p>")
    if latest and (releases / latest).exists():
        parts.append(f"<h2>Latest: {html.escape(latest)} — indicators per district and year</h2>")
        parts.append(_chart_svg(releases / latest))
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
