"""Statistical tables written as text with `|` between cells, as web copies of statistical
communiqués carry them: one row per line (`| 生产总值 | 1262635 | 6.9 |`), all rows on one line,
or one cell per line. The header cells before the first number fix the number of columns and say
each column's unit and measure (`绝对数(万元)`, `比上年增长(%)`); a row label may carry its own unit
(`木材采伐(立方米)`). Each number becomes a cell: row label, column header, value and offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..rules import load_yaml

RULES = "indicator_rules.yaml"
CELL = re.compile(r"[^|\n]*")
NUMERIC = re.compile(r"^[-−]?\d+(?:\.\d+)?$")
PLACEHOLDER = re.compile(r"^[-—–…/]+$")
UNIT_IN_BRACKETS = re.compile(r"[(（]([^()（）]{1,8})[)）]\s*$")
#: a table needs at least this many separators in a row of text to be read as one
MIN_BARS = 3


@dataclass
class Cell:
    label: str  # the row label, cleaned (其中: and inner spaces removed)
    header: str  # the column header as written
    unit: str  # from the column header, else the row label, else the unit line above the table
    measure: str  # growth_rate for 增长/增速 columns, share for 比重/占, else amount
    value: float
    start: int  # offsets of the number in the text
    end: int


def _cells(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The `|`-separated cells of text[start:end] with their offsets, empty ones dropped."""
    out = []
    for m in CELL.finditer(text, start, end):
        raw = m.group(0)
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            out.append((raw.strip(), m.start() + lead, m.start() + lead + len(raw.strip())))
    return out


def _regions(text: str) -> list[tuple[int, int]]:
    """Stretches of text that hold a table: consecutive lines with bars, enough bars in all."""
    regions, start, bars, end = [], None, 0, 0
    pos = 0
    for line in text.split("\n") + [""]:
        line_end = pos + len(line)
        if "|" in line:
            if start is None:
                start, bars = pos, 0
            bars += line.count("|")
            end = line_end
        elif start is not None:
            if bars >= MIN_BARS:
                regions.append((start, end))
            start = None
        pos = line_end + 1
    return regions


def _unit_and_measure(header: str, label: str, default_unit: str) -> tuple[str, str]:
    rules = load_yaml(RULES)["table"]
    measure = next((m for m, pattern in rules["measure"].items() if re.search(pattern, header)), "amount")
    unit = ""
    for source in (header, label):
        m = UNIT_IN_BRACKETS.search(source) or re.search(r"(%)\s*$", source)
        if m:
            unit = m.group(1)
            break
    if not unit and measure in ("growth_rate", "share"):
        unit = "%"
    if not unit and measure == "change":
        unit = "百分点"
    if not unit and measure == "amount":
        unit = default_unit
    return unit.replace("％", "%"), measure


def _clean_label(label: str) -> str:
    label = re.sub(r"^(其中|内|#)\s*[:：]?\s*", "", label)
    label = UNIT_IN_BRACKETS.sub("", label)
    return re.sub(r"\s+", "", label)


def read_tables(text: str) -> list[Cell]:
    out: list[Cell] = []
    for start, end in _regions(text):
        before = text[max(0, start - 200):start]
        unit_line = re.findall(load_yaml(RULES)["table"]["unit_line"], before)
        cells = _cells(text, start, end)
        k = 0
        while k < len(cells):  # one region may hold several tables one after the other
            k = _read_table(cells, k, unit_line[-1] if unit_line else "", out)
    return out


def _read_table(cells: list[tuple[str, int, int]], k: int, default_unit: str, out: list[Cell]) -> int:
    """Read one table starting at cell k into `out`; returns where the next one may start."""
    first_number = next((j for j in range(k, len(cells)) if _is_value(cells[j][0]) and not PLACEHOLDER.match(cells[j][0])), None)
    if first_number is None:
        return len(cells)
    # the first data row starts at the label before the first number; the header cells before it
    first_row = first_number - 1
    while first_row > k and _is_value(cells[first_row][0]):
        first_row -= 1
    n = _columns(cells, first_row)
    if n is None or first_row - (n - 1) < k:
        return first_number + 1
    headers = [c[0] for c in cells[first_row - (n - 1):first_row]]
    j = first_row
    while j + n <= len(cells):
        row = cells[j:j + n]
        label = row[0][0]
        if _is_value(label) or any(not _is_value(c[0]) for c in row[1:]):
            break
        for (value, s, e), header in zip(row[1:], headers):
            number = value.replace(",", "").replace("−", "-")
            if not NUMERIC.match(number):
                continue  # —— and other placeholders
            unit, measure = _unit_and_measure(header, label, default_unit)
            out.append(Cell(_clean_label(label), header, unit, measure, float(number), s, e))
        j += n
    return max(j, first_number + 1)


def _is_value(cell: str) -> bool:
    return bool(NUMERIC.match(cell.replace(",", "").replace("−", "-")) or PLACEHOLDER.match(cell))


def _columns(cells: list[tuple[str, int, int]], first_row: int) -> int | None:
    """Columns per row: the first data row's label and the values after it up to the next label."""
    k = first_row + 1
    while k < len(cells) and _is_value(cells[k][0]):
        k += 1
    n = k - first_row
    return n if n >= 2 else None
