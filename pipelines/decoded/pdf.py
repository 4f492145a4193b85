"""PDF reports: the text layer in reading order, page chrome removed, wrapped lines joined,
ruled tables read as tables; one child process per file bounds time and memory.

pdfminer (under pdfplumber) inflates every stream in memory and walks the whole page tree, so a
bomb (thousands of pages, a huge object stream) is stopped by limits on the reading process
(address space, CPU seconds, a wall-clock timeout) rather than by guessing at its structure.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

from ..chars import fold_width
from ..settings import child_environment
from ..errors import ReportRejected
from ..rules import any_match, compiled, limit
from .layout import Page, assemble
from .tables import Table, header_rows

RULES = "document_rules.yaml"
_ROOT = Path(__file__).resolve().parents[2]


def read_pdf_pages(data: bytes, source: str) -> list[dict]:
    """The worker's pages (lines and tables with positions), or ReportRejected."""
    max_pages = limit(RULES, "pdf_max_pages")
    seconds = limit(RULES, "pdf_seconds")
    memory = limit(RULES, "pdf_memory_mb")
    env = child_environment(str(_ROOT))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pipelines.decoded.pdf_worker", str(max_pages), str(memory), str(seconds)],
            input=data, capture_output=True, timeout=seconds, env=env,
        )
    except subprocess.TimeoutExpired:
        raise ReportRejected(source, f"reading the PDF took longer than {seconds} s (the limit); it may be a PDF bomb") from None
    try:
        result = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        if proc.returncode < 0 or b"MemoryError" in proc.stderr:
            raise ReportRejected(source, f"reading the PDF went over the limit of {memory} MB of memory or {seconds} s of CPU; it may be a PDF bomb") from None
        last = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise ReportRejected(source, f"the PDF could not be read ({last[0][:200]})") from None
    if "refused" in result:
        raise ReportRejected(source, result["refused"])
    pages = result["pages"]
    if not any(p["lines"] or p["tables"] for p in pages):
        what = "pages of images only (a scan)" if any(p["images"] for p in pages) else "no text"
        raise ReportRejected(source, f"the PDF has no text layer: {what}; OCR is not supported, use a PDF with text or a text copy")
    return pages


def _key(text: str) -> str:
    """A margin line's text with its digits generalised: `- 3 -` and `- 4 -` are one line."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", fold_width(text)))


def _band(page: dict) -> float:
    return page["height"] * limit(RULES, "margin_band_percent") / 100


def _in_margin(line: dict, page: dict) -> bool:
    return line["bottom"] <= _band(page) or line["top"] >= page["height"] - _band(page)


def remove_page_chrome(pages: list[dict]) -> list[dict]:
    """Drop running headers, footers and page numbers: margin lines that are a page number or
    that repeat (digits aside) on most pages, and lines at the top of a page set smaller than
    the body text (a running header, the only sign of one on a one-page document)."""
    counts: dict[str, int] = {}
    for page in pages:
        for key in {_key(ln["text"]) for ln in page["lines"] if _in_margin(ln, page)}:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, math.ceil(len(pages) * limit(RULES, "repeat_percent") / 100))
    numbers = compiled(RULES, "pages.page_number")
    sizes = sorted(ln["size"] for page in pages for ln in page["lines"])
    body_size = sizes[len(sizes) // 2] if sizes else 0.0

    def chrome(ln: dict, page: dict) -> bool:
        if not _in_margin(ln, page):
            return False
        if any_match(numbers, fold_width(ln["text"]).strip()) or counts.get(_key(ln["text"]), 0) >= need:
            return True
        return ln["bottom"] <= _band(page) and ln["size"] < 0.85 * body_size

    return [{**page, "lines": [ln for ln in page["lines"] if not chrome(ln, page)]} for page in pages]


def _margins(pages: list[dict]) -> tuple[float, float]:
    """The text block's left and right edges over the whole document. The right edge is at
    least the page width less the left margin (margins are near symmetric), so a short page
    whose longest line stops early has no line taken for a full one."""
    lines = [ln for page in pages for ln in page["lines"]]
    if not lines:
        return 0.0, 0.0
    left = min(ln["x0"] for ln in lines)
    right = max(ln["x1"] for ln in lines)
    return left, max(right, min(page["width"] for page in pages) - left)


def _wraps_into(line: dict, following: dict, left: float, right: float) -> bool:
    """A line was wrapped into the next when the next one's first character would not have fit
    after it (half a character of slack: cell padding, justification) and the next one starts
    at the left edge (a paragraph's first line is indented)."""
    full = line["x1"] + following["first_width"] > right - 0.5 * line["size"]
    flush = following["x0"] <= left + 0.5 * following["size"]
    return full and flush


def lay_out(pages: list[dict]) -> list[Page]:
    """Pages of paragraphs and tables in reading order, wrapped lines joined."""
    left, right = _margins(pages)
    out: list[Page] = []
    last: dict | None = None  # the previous line, when nothing (a table) came after it
    ended_with_table: int | None = None  # columns of the table that ended the previous page
    for page in pages:
        items = [("line", ln["top"], ln) for ln in page["lines"]] + [("table", t["top"], t) for t in page["tables"]]
        items.sort(key=lambda it: it[1])
        blocks: list[str | Table] = []
        continues = False
        for kind, _top, item in items:
            if kind == "table":
                # a table first on its page, with no header of its own, after a table that ended
                # the page before and as wide: the same table, broken by the page
                rows = item["rows"]
                continued = (not blocks and ended_with_table is not None and bool(rows) and len(rows[0]) == ended_with_table
                             and not header_rows(rows))
                blocks.append(Table(rows, continued=continued))
                last = None
                continue
            if last is not None and _wraps_into(last, item, left, right):
                if blocks:
                    blocks[-1] += item["text"]
                else:
                    continues = True
                    blocks.append(item["text"])
            else:
                blocks.append(item["text"])
            last = item
        out.append(Page(blocks, continues))
        ended_with_table = len(blocks[-1].rows[0]) if blocks and isinstance(blocks[-1], Table) and blocks[-1].rows else None
    return out


def read_pdf(data: bytes, source: str) -> str:
    """The decoded text of a PDF report (pages separated by form feeds)."""
    return assemble(lay_out(remove_page_chrome(read_pdf_pages(data, source))))
