"""validation.html: a self-contained page (no scripts, fonts or remote images) from the gate results."""

from __future__ import annotations

import html
import json

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
.ok{color:#176f2c}.fail{color:#b00020;font-weight:bold}.warn{color:#a15c00}code{font-size:.9em}"""


def render_validation_html(version: str, gate: dict) -> str:
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Validation {html.escape(version)}</title><style>{STYLE}</style></head><body>"]
    status = "passed" if gate.get("passed") else "FAILED"
    parts.append(f"<h1>Validation of {html.escape(version)}: <span class='{'ok' if gate.get('passed') else 'fail'}'>{status}</span></h1>")
    parts.append("<p>Every expectation of the gate, run by Great Expectations on the whole table. Critical expectations block publication; warnings are recorded.</p>")
    for table in gate.get("tables", []):
        parts.append(f"<h2>{html.escape(table['table'])}</h2><table><tr><th>expectation</th><th>column</th><th>severity</th><th>result</th><th>unexpected</th><th>examples</th></tr>")
        for e in table["expectations"]:
            cls = "ok" if e["success"] else ("fail" if e["severity"] == "critical" else "warn")
            args = {k: v for k, v in e["kwargs"].items() if k not in ("column", "column_list")}
            parts.append(
                f"<tr><td><code>{html.escape(e['type'])}</code><br><small>{html.escape(json.dumps(args, ensure_ascii=False))[:300]}</small></td>"
                f"<td>{html.escape(str(e['column']))}</td><td>{e['severity']}</td><td class='{cls}'>{'pass' if e['success'] else 'fail'}</td>"
                f"<td>{e['unexpected_count']}</td><td>{html.escape(json.dumps(e['examples'], ensure_ascii=False))[:300]}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
