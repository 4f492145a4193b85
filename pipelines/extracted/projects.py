"""Project mentions in a report (status, category, investment) and the unique-name table.
Names are found by project_names.py; decisions are in docs/decisions.md ("Projects")."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..segmented.sentences import Sentence
from .indicators import clean_with_map
from .project_names import candidate_clause, names_in_clause, normalise_name, rules


@dataclass
class Mention:
    name: str
    start: int
    end: int
    category: str
    status: str | None
    sentence_id: str
    investment_value: float | None = None
    investment_unit: str | None = None


def status_of(clean: str, a: int, b: int, part: str | None, names: list[tuple[int, int]] = ()) -> str | None:
    """The stated stage of the project named at clean[a:b], from the verbs of its comma piece,
    else of the pieces after it, else of those before it. The clause's names (`names`, spans)
    are no cues (`…产业园建设项目`), nor is a stage reached later (`项目建成后`)."""
    for x, y in names:
        clean = clean[:x] + "\u3000" * (y - x) + clean[y:]
    clean = re.sub(rules()["status_conditional"], lambda m: "\u3000" * len(m.group(0)), clean)
    bounds = [0] + [m.end() for m in re.finditer(r"[,，;；]", clean)] + [len(clean) + 1]
    pieces = [(bounds[k], bounds[k + 1] - 1) for k in range(len(bounds) - 1)]
    own = next((k for k, (x, y) in enumerate(pieces) if x <= a < y or x <= a <= y), 0)
    order = [own] + list(range(own + 1, len(pieces))) + list(range(own - 1, -1, -1))
    for k in order:
        x, y = pieces[k]
        # the project's own name is not a cue (`建设项目`, `开园`)
        text = clean[x:a] + "\u3000" + clean[b:y] if k == own else clean[x:y]
        cues = rules()["status"]["plan" if part == "plan" or re.search(rules()["status_target_cue"], text) else "review"]
        for rule in cues:
            if re.search(rule["pattern"], text):
                return rule["status"]
    return None


def mentions_in_clause(clean: str, part: str | None, words: list[str] | None = None) -> list[tuple[str, int, int, str, str | None]]:
    """(name as in `clean`, start, end, category, status) for one clause without whitespace."""
    found = names_in_clause(clean, words)
    spans = [(a, b) for _, a, b, _ in found]
    return [(name, a, b, cat, status_of(clean, a, b, part, spans)) for name, a, b, cat in found]


def token_spans(sentence: Sentence) -> list[tuple[int, int, str]] | None:
    """(start, end, token) in decoded-text offsets for the segmented stage's tokens, or None
    when they do not spell the sentence (whitespace tokens were dropped, nothing else)."""
    spans, pos, text = [], 0, sentence.text
    for tok in sentence.tokens:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if not text.startswith(tok, pos):
            return None
        spans.append((sentence.start + pos, sentence.start + pos + len(tok), tok))
        pos += len(tok)
    return spans


def clause_words(spans: list[tuple[int, int, str]] | None, text: str, cs: int, ce: int) -> list[str] | None:
    """The clause's jieba words from its sentence's tokens. jieba cuts at every character outside
    its word classes (；; included), so a clause without whitespace has exactly the slice of its
    sentence's tokens; with whitespace (a page-break seam, `10.5 %`) the joined text is cut anew."""
    if spans is None or any(ch.isspace() for ch in text[cs:ce]):
        return None
    return [tok for a, b, tok in spans if cs <= a and b <= ce]


def _investment(clean: str, n_mentions: int) -> tuple[float | None, str | None]:
    """An amount tied to the clause's one project: `总投资12亿元`."""
    if n_mentions != 1 or "等" in clean:
        return None, None  # an enumeration's total is not one project's
    m = re.search(rules()["investment"], clean)
    if m is None or re.match(r"的?([0-9]+|[一二两三四五六七八九十百]+)个", clean[m.end():]):
        return None, None
    return float(m.group("value")), m.group("unit")


def extract_mentions(text: str, sentences: list[tuple[str, Sentence]]) -> list[Mention]:
    mentions: list[Mention] = []
    taken: set[int] = set()
    for sentence_id, sentence in sentences:
        if sentence.truncated or sentence.block == "boilerplate":
            continue
        spans: list | None = []  # the sentence's token offsets, computed when a clause needs them
        for cs, ce in sentence.clauses():
            clean, where = clean_with_map(text[cs:ce], cs)
            if not clean:
                continue
            found = []
            words = None
            if candidate_clause(clean):
                if spans == []:
                    spans = token_spans(sentence) if sentence.tokens else None
                words = clause_words(spans, text, cs, ce)
            for name, a, b, cat, status in mentions_in_clause(clean, sentence.part, words):
                if where[a] in taken:
                    continue
                taken.add(where[a])
                found.append(Mention(normalise_name(name), where[a], where[b - 1] + 1, cat, status, sentence_id))
            value, unit = _investment(clean, len(found))
            for m in found:
                m.investment_value, m.investment_unit = value, unit
            mentions.extend(found)
    return mentions


def build_projects(mentions: pd.DataFrame) -> pd.DataFrame:
    """The unique-name table from all reports' mentions (columns of registry.PROJECTS).

    `mentions` holds project_id, name, district, category, status, report_id, start, and
    optionally investment_value/investment_unit."""
    columns = ["project_id", "name", "district", "category", "status", "investment_value", "investment_unit", "n_mentions", "first_report_id"]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for pid, group in mentions.sort_values(["report_id", "start"]).groupby("project_id", sort=True):
        names = group["name"].value_counts()
        top = names[names == names.max()].index
        name = sorted(top, key=lambda n: (-len(n), n))[0]
        statuses = [s for s in group["status"] if isinstance(s, str)]
        money = group.dropna(subset=["investment_value"]) if "investment_value" in group else group.iloc[0:0]
        rows.append({
            "project_id": pid,
            "name": name,
            "district": group["district"].iloc[0],
            "category": group["category"].value_counts().index[0],
            # the latest report's stated stage
            "status": statuses[-1] if statuses else None,
            "investment_value": float(money["investment_value"].iloc[-1]) if len(money) else None,
            "investment_unit": money["investment_unit"].iloc[-1] if len(money) else None,
            "n_mentions": len(group),
            "first_report_id": group["report_id"].min(),
        })
    return pd.DataFrame(rows, columns=columns)
