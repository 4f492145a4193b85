"""A table of a report (PDF, Word, HTML) as sentences the indicator rules read.

A statistical table states one quantity per cell: the row names what is measured, the column
header how (`绝对值`, `比上年增长%`, `2023年`), and the unit comes from the header, a unit column
or the `单位:亿元` line above the table. Each value cell becomes one sentence
`<row name><column header><value><unit>。` (`地区生产总值比上年增长6.5%。`), so the extractor sees
the unit that the header gives. Tables that hold no numbers (layout tables of web pages) give
their cells as plain lines. Patterns are in data/document_rules.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..chars import fold_width
from ..rules import any_match, compiled, load_yaml

RULES = "document_rules.yaml"
NUMBER_CELL = re.compile(r"^([-+−]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
#: a value written with its unit (`1.2万人`, `6.5%`): a number and at most four more characters
VALUE_CELL = re.compile(r"^[-+−]?\s*\d[\d,]*(\.\d+)?\s*[^\d\s]{0,4}$")


@dataclass
class Table:
    """Rows of cell texts as the document holds them (merged cells repeat or are empty)."""

    rows: list[list[str]]
    #: the table goes on from the previous page's last table, whose header it does not repeat
    continued: bool = False


def _rule(key: str) -> tuple[re.Pattern, ...]:
    return compiled(RULES, f"tables.{key}")


def clean_cell(cell: str | None) -> str:
    """One cell on one line: wrapped header text (`比上年\\n增长%`) joined, widths folded."""
    if cell is None:
        return ""
    text = fold_width(cell)
    return re.sub(r"\s*\n\s*", "", text).strip()


def _is_value(cell: str) -> bool:
    """A cell that states a quantity (a year such as a `2023年` header does not)."""
    return VALUE_CELL.match(cell) is not None and _year(cell) is None


def _is_empty(cell: str) -> bool:
    return any_match(_rule("empty_cell"), cell) is not None


def caption_unit(lines: list[str]) -> str | None:
    """The unit a `单位:亿元` line names, searched from the last line back."""
    for line in reversed(lines):
        m = any_match(_rule("unit_caption"), fold_width(line))
        if m:
            return m.group(1)
    return None


def split_header(header: str) -> tuple[str, str | None]:
    """`绝对值(亿元)` -> ("绝对值", "亿元"); `比上年增长%` -> ("比上年增长", "%")."""
    m = any_match(_rule("header_unit"), header)
    if m:
        return m.group(1).strip(), m.group(2).strip()
    return header, None


def _year(text: str) -> str | None:
    m = any_match(_rule("year"), text)
    return m.group(1) if m else None


def _dedupe(parts: list[str]) -> list[str]:
    """A column's header over several rows, a merged cell's repeats written once."""
    out: list[str] = []
    for p in parts:
        if p and (not out or out[-1] != p):
            out.append(p)
    return out


def is_data_table(rows: list[list[str]]) -> bool:
    """At least two columns and one value cell outside the first column."""
    return any(len(r) >= 2 and any(_is_value(c) for c in r[1:]) for r in rows)


def header_rows(raw_rows: list[list[str | None]]) -> list[list[str | None]]:
    """The rows above a table's first row of values (title, unit and header rows)."""
    for k, r in enumerate(raw_rows):
        if any(_is_value(clean_cell(c)) for c in r[1:]):
            return raw_rows[:k]
    return list(raw_rows)


def render_table(raw_rows: list[list[str | None]], before: list[str] | None = None) -> list[str]:
    """The lines a table gives. `before`: the lines just above it (for a `单位:` caption)."""
    rows = [[clean_cell(c) for c in r] for r in raw_rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if not is_data_table(rows):
        # a layout table: its cells in reading order, each once
        out: list[str] = []
        for r in rows:
            for c in r:
                if c and (not out or out[-1] != c):
                    out.append(c)
        return out

    unit = caption_unit(before or [])
    lines: list[str] = []
    # rows of one filled cell above the header: the table's title or its `单位:` line
    while rows and len({c for c in rows[0] if c}) == 1 and not any(_is_value(c) for c in rows[0]):
        text = next(c for c in rows[0] if c)
        unit = caption_unit([text]) or unit
        if not any_match(_rule("unit_caption"), text):
            lines.append(text)
        rows = rows[1:]
    header_rows = []  # before the first value; a row named in its first cell only is a group row
    while rows and any(rows[0][1:]) and not any(_is_value(c) for c in rows[0][1:]):
        header_rows.append(rows.pop(0))
    headers = [_dedupe([h[j] for h in header_rows]) for j in range(width)]
    # a `单位:亿元` written in a header cell (often the top-left one) is the table's unit
    for parts in headers:
        for k, part in enumerate(parts):
            found = caption_unit([part])
            if found:
                unit = found
                parts[k] = _rule("unit_caption")[0].sub("", part).strip(" ,;()")
    unit_col = next((j for j, h in enumerate(headers) if j and any_match(_rule("unit_column"), "".join(h))), None)

    label_above = ""
    for r in rows:
        label = _rule("label_trim")[0].sub("", r[0]).strip() if r[0] else ""
        if not label:
            label = label_above
        if not any(_is_value(c) for c in r[1:]):
            # a group row (`按产业分`) or a note: kept as a line of its own
            text = " ".join(c for c in r if c)
            lines.append(text)
            continue
        label_above = label
        row_unit = r[unit_col] if unit_col is not None and not _is_empty(r[unit_col]) else None
        row_year = _year(label)
        for j in range(1, width):
            if j == unit_col:
                continue
            sentence = _cell_sentence(label, headers[j], r[j], row_unit, unit, row_year)
            if sentence:
                lines.append(sentence)
    return lines


def _cell_sentence(label: str, header: list[str], cell: str, row_unit: str | None, table_unit: str | None, row_year: str | None) -> str | None:
    if not cell or _is_empty(cell):
        return None
    year, header_unit, names = row_year, None, []
    for part in header:
        name, part_unit = split_header(part)
        header_unit = part_unit or header_unit
        if _year(name):
            year = _year(name)
        elif name and not any_match(_rule("generic_header"), name):
            names.append(name)
    name = "".join(names)
    if row_year:
        label = ""
    m = NUMBER_CELL.match(cell)
    if m is None:
        # a cell written with its unit (`1234亿元`, `6.5%`) reads as it stands; words alone do not
        if not re.search(r"\d", cell):
            return None
        value = cell
    else:
        sign, whole, frac = m.group(1), m.group(2).replace(",", ""), m.group(3) or ""
        value = whole + frac + (header_unit or row_unit or table_unit or "")
        if sign in ("-", "−"):
            if any_match(_rule("change_header"), name):
                value = load_yaml(RULES)["tables"]["negative_word"] + value
            else:
                value = "-" + value
    lead = f"{year}年," if year else ""
    return f"{lead}{label}{name}{value}。"
