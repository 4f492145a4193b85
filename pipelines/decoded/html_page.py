"""A saved web page (or HTML inside a .txt): the visible text, one block element per line,
scripts and styles dropped, and data tables read as tables (tables.py). Tables that hold no
numbers are page layout: their cells' text goes on in reading order."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from .layout import Page, assemble
from .tables import Table, clean_cell, is_data_table

_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title", "section", "article", "td", "th", "table", "caption"}
_SKIP = {"script", "style", "noscript", "template"}


class _Grid:
    """One <table> being read: its rows, the open cell, and cells that span rows below. A table
    that holds another table is page layout: from then on its text goes to the page."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.span = 1
        self.rowspan = 1
        self.pending: dict[int, tuple[int, str]] = {}  # column -> (rows left, text) of a rowspan
        self.layout = False

    def start_row(self) -> None:
        self.rows.append([])
        self._fill_pending()

    def _fill_pending(self) -> None:
        row = self.rows[-1]
        while len(row) in self.pending:
            left, text = self.pending.pop(len(row))
            row.append(text)
            if left > 1:
                self.pending[len(row) - 1] = (left - 1, text)

    def end_cell(self) -> None:
        if self.cell is None:
            return
        if not self.rows:
            self.start_row()
        text = "".join(self.cell)
        row = self.rows[-1]
        for _ in range(self.span):
            if self.rowspan > 1:
                self.pending[len(row)] = (self.rowspan - 1, text)
            row.append(text)
            self._fill_pending()
        self.cell = None

    def text(self) -> str:
        """What has been read so far, as lines (the table turned out to be layout)."""
        self.end_cell()
        out = "\n".join("\n".join(r) for r in self.rows)
        self.rows = []
        return "\n" + out + "\n"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str | Table] = []
        self.parts: list[str] = []  # text on its way to the page
        self.grids: list[_Grid] = []
        self._skip = 0

    def _out(self) -> list[str]:
        grid = self.grids[-1] if self.grids else None
        if grid is None or grid.layout:
            return self.parts
        return grid.cell if grid.cell is not None else []  # between cells: markup whitespace

    def _flush_text(self) -> None:
        text = "".join(self.parts)
        self.parts = []
        for line in text.split("\n"):
            line = html.unescape(line).strip()
            if line:
                self.blocks.append(line)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
            return
        attrs = dict(attrs)
        grid = self.grids[-1] if self.grids else None
        if tag == "table":
            for outer in self.grids:
                if not outer.layout:
                    self.parts.append(outer.text())
                    outer.layout = True
            self._out().append("\n")
            self.grids.append(_Grid())
        elif grid is not None and grid.layout and tag in ("tr", "td", "th"):
            self.parts.append("\n")
        elif tag == "tr" and grid is not None:
            grid.end_cell()
            grid.start_row()
        elif tag in ("td", "th") and grid is not None:
            grid.end_cell()
            grid.cell = []
            grid.span = _int(attrs.get("colspan"))
            grid.rowspan = _int(attrs.get("rowspan"))
        elif tag in _BLOCKS:
            self._out().append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        grid = self.grids[-1] if self.grids else None
        if tag == "table" and grid is not None:
            self._close_table()
        elif tag in ("td", "th") and grid is not None and not grid.layout:
            grid.end_cell()
        elif tag in _BLOCKS:
            self._out().append("\n")

    def _close_table(self) -> None:
        grid = self.grids.pop()
        if grid.layout:
            self.parts.append("\n")
            return
        grid.end_cell()
        rows = [[clean_cell(html.unescape(c)) for c in r] for r in grid.rows]
        if is_data_table(rows):
            self._flush_text()
            self.blocks.append(Table(rows))
        else:
            self._out().append(grid.text())

    def handle_data(self, data):
        if not self._skip:
            self._out().append(data)

    def close(self):
        super().close()
        while self.grids:
            self._close_table()
        self._flush_text()


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def html_page_text(text: str) -> str:
    """The decoded text of an HTML page."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    # paragraphs apart by a blank line, as the text copies of web pages have them
    return assemble([Page(reader.blocks)]).replace("\n", "\n\n")
