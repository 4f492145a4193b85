"""A document read from a PDF, Word or HTML file -> the decoded text every later stage reads.

Paragraphs go one per line and tables as the sentences tables.py writes. Pages of a PDF are
separated by a form feed (U+000C), so a sentence's page is counted from the text itself, and
the count survives repair and Traditional -> Simplified (both keep the character): on a line
of its own between pages, or inside the line when a sentence runs on to the next page (then
the segmenter sees one line and the extractor reads the clause without the whitespace).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .tables import Table, header_rows, render_table

PAGE_BREAK = "\f"


@dataclass
class Page:
    blocks: list[str | Table] = field(default_factory=list)
    continues: bool = False  # its first line goes on with the previous page's last line


def assemble(pages: list[Page]) -> str:
    out: list[str] = []
    recent: list[str] = []  # the last lines, for a table's `单位:` caption
    previous: tuple[list, list[str]] | None = None  # the last table's header rows and caption lines
    for k, page in enumerate(pages):
        lines: list[str] = []
        for block in page.blocks:
            if isinstance(block, Table):
                if block.continued and previous is not None:
                    # the rest of a table from the page before: its header and caption hold here too
                    lines += render_table(previous[0] + block.rows, previous[1])
                else:
                    previous = (header_rows(block.rows), recent[-2:])
                    lines += render_table(block.rows, recent[-2:])
                recent = []
            elif block.strip():
                lines.append(block.strip())
                recent.append(block)
        if k:
            out.append(PAGE_BREAK if page.continues else "\n" + PAGE_BREAK + "\n")
        out.append("\n".join(lines))
    return "".join(out)


def page_starts(text: str) -> list[int]:
    """Offsets where pages 2, 3, ... start in a decoded text."""
    return [m.end() for m in re.finditer(PAGE_BREAK, text)]


def page_of(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) + 1
