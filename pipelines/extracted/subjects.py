"""Elliptical metrics: a figure whose words name no subject, only how a figure of the subject
named before is measured or compared (`地区生产总值增长8.5%，两年平均增长5.3%`,
`增速比上年加快1.3个百分点`, `居全国第7位、前移3位`). The words are the `elliptical` lists of
data/indicator_rules.yaml; indicators.py keeps the subject of the sentence so far and writes an
elliptical metric for it."""

from __future__ import annotations

import re
from functools import lru_cache

from ..rules import load_yaml

RULES = "indicator_rules.yaml"


@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[re.Pattern, ...]]:
    spec = load_yaml(RULES)["elliptical"]
    return {
        "keep": tuple(re.compile(p) for p in spec["keep"]),
        "drop": tuple(re.compile(p) for p in spec["drop"]),
        "owned": tuple(re.compile(re.escape(w)) for w in sorted(spec["owned"], key=len, reverse=True)),
    }


def _read(metric: str, owned: bool) -> list[tuple[str, str]] | None:
    """The metric as (kind, words) runs of elliptical words, longest first at each place; None when
    some of it is none of them (it names a subject)."""
    kinds = ("keep", "drop", "owned") if owned else ("keep", "drop")
    out, pos = [], 0
    while pos < len(metric):
        best = None
        for kind in kinds:
            for p in _words()[kind]:
                m = p.match(metric, pos)
                if m and m.end() > pos and (best is None or m.end() > best[1]):
                    best = (kind, m.end())
        if best is None:
            return None
        out.append((best[0], metric[pos:best[1]]))
        pos = best[1]
    return out


def is_elliptical(metric: str | None) -> bool:
    """True when the metric names no subject (empty, or only measure and comparison words)."""
    return _read(metric or "", owned=True) is not None


def split_subject(metric: str) -> tuple[str, str]:
    """(subject, elliptical tail): the shortest head whose rest is elliptical words
    (`第一产业增加值占生产总值的比重` -> `第一产业增加值`, `占生产总值的比重`); a tail of one
    character is part of a word (`青年`, `正月`), not a tail."""
    for k in range(1, len(metric) - 1):
        if _read(metric[k:], owned=False) is not None:
            return metric[:k], metric[k:]
    return metric, ""


GLOSS = re.compile(r"[(（]([^()（）]*)[)）]")
NOTE = re.compile(r"\[\d+\]")


def subject_of(metric: str) -> str:
    """The subject a metric names, for the elliptical figures after it: without its elliptical
    tail and its bracketed gloss (`维西县地区生产总值(GDP)增速` -> `维西县地区生产总值`), or the gloss
    itself when only the gloss names a subject (`占常住人口比重(常住人口城镇化率)`)."""
    gloss = GLOSS.search(metric)
    if gloss:
        outside = NOTE.sub("", metric[: gloss.start()] + metric[gloss.end():])
        inner = NOTE.sub("", gloss.group(1))
        if is_elliptical(outside) and len(inner) >= 2 and not is_elliptical(inner):
            return split_subject(inner)[0]
        metric = outside
    return split_subject(metric)[0]


def _owner(subject: str) -> str | None:
    """The subject without the measured noun it ends with (`规模以上工业产值` -> `规模以上工业`)."""
    for word in sorted(load_yaml(RULES)["elliptical"]["measured"], key=len, reverse=True):
        if subject.endswith(word) and len(subject) > len(word):
            return subject[: -len(word)]
    return None


def about(subject: str, metric: str) -> str | None:
    """The elliptical metric written for its subject: the subject and the measures kept
    (`两年平均` -> `第二产业增加值两年平均`; `比全国高` -> the subject alone); a measured noun
    replaces the subject's own (`增加值` after `规模以上工业产值` -> `规模以上工业增加值`). None
    when the metric names a subject of its own, or its measured noun has nothing to attach to."""
    runs = _read(metric, owned=True)
    if runs is None or not subject:
        return None
    kept = "".join(words for kind, words in runs if kind == "keep")
    nouns = [words for kind, words in runs if kind == "owned"]
    if nouns:
        owner = _owner(subject)
        if owner is None or len(nouns) > 1:
            return None
        return owner + nouns[0] + kept
    return subject + kept
