"""Score extracted tables (or a release folder) against a gold folder in the annotation format
(indicators.csv, projects.csv, reports.csv): precision, recall, F1 and attribute accuracy.

Indicators match within a report on the same |value| and unit; among several candidates the
pair whose clauses are most alike wins. Optional gold rows neither reward nor penalise: a
prediction matched to one is not counted at all. Projects compare distinct names per report
(quotes, whitespace and a trailing 项目 ignored): strictly (the same normal form) and leniently
(one name holds the other, the shorter at least 4 characters and 60% of the longer: a name cut
at its edge). Reports compare each field exactly. Every score is also broken down by genre (the
gold report_type)."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .extracted.project_names import project_key
from .release.store import read_index

INDICATOR_ATTRIBUTES = ("kind", "year", "measure", "qualifier", "metric", "value", "value_max")
PROJECT_ATTRIBUTES = ("category", "status")
REPORT_FIELDS = ("title", "province", "city", "district", "report_type", "review_year", "plan_year", "published_date", "outlet", "authors")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    indicators: PRF
    attributes: dict[str, tuple[int, int]]  # name -> (correct, total)
    attribute_errors: dict[str, list[str]]
    projects: PRF
    project_attributes: dict[str, tuple[int, int]]
    project_errors: dict[str, list[str]]
    report_fields: dict[str, tuple[int, int]]
    report_errors: list[str]
    projects_lenient: PRF = field(default_factory=PRF)
    by_genre: dict[str, tuple[PRF, PRF]] = field(default_factory=dict)  # genre -> (indicators, projects)
    codes: dict = field(default_factory=dict)  # score_codes: indicator_code recall and precision on matched rows
    report_stated: dict = field(default_factory=dict)  # STATED_FIELDS -> (correct, stated, claimed where not stated)

    def accuracy(self, name: str) -> float:
        correct, total = self.attributes[name]
        return correct / total if total else 1.0

    def project_accuracy(self, name: str) -> float:
        correct, total = self.project_attributes[name]
        return correct / total if total else 1.0


def _norm(v):
    """None for every kind of missing value (None, NaN, NA, ""); whole floats as int."""
    if v is None or (isinstance(v, str) and v == ""):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):  # lists and other non-scalars are values
        pass
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _text(v) -> str | None:
    v = _norm(v)
    return None if v is None else str(v)


def _num(v) -> float | None:
    v = _norm(v)
    return None if v is None else float(v)


def _same(attr: str, gold, pred) -> bool:
    g, p = _norm(gold), _norm(pred)
    if attr in ("value", "value_max", "year"):
        g, p = (None if g is None else float(g)), (None if p is None else float(p))
        return g == p if g is None or p is None else abs(g - p) < 1e-9
    if attr == "metric":
        # quotes and bracket widths are layout: “四好农村路” matches 四好农村路
        g, p = (None if x is None else re.sub(r"[“”\"‘’'\s]", "", str(x)).replace("（", "(").replace("）", ")") for x in (g, p))
        return bool(g) and bool(p) and (g in p or p in g)
    return _text(g) == _text(p)


def _match_rows(g: pd.DataFrame, p: pd.DataFrame, optional: list[bool]) -> list[tuple[int, int]]:
    """Gold and predicted rows of one report paired on the same |value| and unit: required gold
    rows first, then the most alike clauses, then (two equal numbers in one clause) the most
    alike metrics."""
    pairs = []
    for gi, grow in g.iterrows():
        for pi, prow in p.iterrows():
            if _num(grow["value"]) is not None and abs(abs(_num(grow["value"])) - abs(_num(prow["value"]))) < 1e-9 \
                    and str(_norm(grow["unit"]) or "") == str(_norm(prow["unit"]) or ""):
                sim = difflib.SequenceMatcher(None, str(grow.get("text", "")), str(prow.get("text", ""))).ratio()
                msim = difflib.SequenceMatcher(None, str(grow.get("metric", "")), str(prow.get("metric", ""))).ratio()
                pairs.append((not optional[gi], round(sim, 6), msim, gi, pi))
    used_g, used_p, matches = set(), set(), []
    for _required, _sim, _msim, gi, pi in sorted(pairs, reverse=True):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matches.append((gi, pi))
    return matches


def score_indicators(gold: pd.DataFrame, pred: pd.DataFrame) -> tuple[PRF, dict, dict]:
    prf = PRF()
    attrs = {a: [0, 0] for a in INDICATOR_ATTRIBUTES}
    errors: dict[str, list[str]] = {a: [] for a in INDICATOR_ATTRIBUTES}
    for report_id in sorted(set(gold["report_id"]) | set(pred["report_id"])):
        g = gold[gold["report_id"] == report_id].reset_index(drop=True)
        p = pred[pred["report_id"] == report_id].reset_index(drop=True)
        optional = [bool(_norm(o)) for o in g.get("optional", [None] * len(g))]
        matches = _match_rows(g, p, optional)
        used_g, used_p = {gi for gi, _ in matches}, {pi for _, pi in matches}
        for gi, grow in g.iterrows():
            if gi not in used_g and not optional[gi]:
                prf.fn += 1
                prf.misses.append(f"{report_id}: {grow['value']} {_norm(grow['unit']) or ''} {grow['metric']} | {grow['text']}")
        for pi, prow in p.iterrows():
            if pi not in used_p:
                prf.fp += 1
                prf.extras.append(f"{report_id}: {prow['value']} {prow['unit']} {prow['metric']} | {prow['text'][:60]}")
        for gi, pi in matches:
            if optional[gi]:
                continue
            grow, prow = g.loc[gi], p.loc[pi]
            prf.tp += 1
            for a in INDICATOR_ATTRIBUTES:
                attrs[a][1] += 1
                if _same(a, grow[a], prow[a]):
                    attrs[a][0] += 1
                else:
                    errors[a].append(f"{report_id}: {grow['value']}{_norm(grow['unit']) or ''} gold={_norm(grow[a])!r} got={_norm(prow[a])!r} | {str(grow['text'])[:40]}")
    return prf, {a: tuple(v) for a, v in attrs.items()}, errors


def _lenient_same(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 4 and len(short) >= 0.6 * len(long_)


def score_projects(gold: pd.DataFrame, mentions: pd.DataFrame, projects: pd.DataFrame, lenient: bool = False) -> tuple[PRF, dict, dict]:
    """Names per report, then category and status on the matched names: category of the
    project, status mention by mention in document order. `lenient`: a predicted name that holds
    a gold name (or is held by it) within the bounds of _lenient_same counts as that name."""
    prf = PRF()
    attrs = {a: [0, 0] for a in PROJECT_ATTRIBUTES}
    errors: dict[str, list[str]] = {a: [] for a in PROJECT_ATTRIBUTES}
    table = projects.set_index("project_id") if len(projects) else pd.DataFrame(columns=["name", "category"])
    pred = mentions.assign(name=mentions["project_id"].map(table["name"]), category=mentions["project_id"].map(table["category"])) \
        if len(mentions) else pd.DataFrame(columns=["report_id", "name", "category", "status", "start"])
    for report_id in sorted(set(gold["report_id"]) | set(pred["report_id"])):
        g = gold[gold["report_id"] == report_id].assign(key=lambda d: d["name"].map(project_key))
        p = pred[pred["report_id"] == report_id].dropna(subset=["name"]).sort_values("start")
        p = p.assign(key=p["name"].map(project_key))
        if lenient:
            gold_keys = list(dict.fromkeys(g["key"]))
            p = p.assign(key=p["key"].map(lambda k: next((gk for gk in gold_keys if gk == k), None)
                                          or next((gk for gk in gold_keys if _lenient_same(gk, k)), k)))
        required = set(g.loc[g["optional"].map(lambda o: not _norm(o)), "key"])
        optional = set(g["key"]) - required
        got = set(p["key"])
        prf.tp += len(required & got)
        prf.fn += len(required - got)
        extras = got - required - optional
        prf.fp += len(extras)
        prf.misses += [f"{report_id}: {n}" for n in sorted(required - got)]
        prf.extras += [f"{report_id}: {n}" for n in sorted(extras)]
        for key in sorted(required & got):
            gk, pk = g[g["key"] == key], p[p["key"] == key]
            pairs = [("category", gk["category"].iloc[0], pk["category"].iloc[0])]
            pairs += [("status", gs, ps) for gs, ps in zip(gk["status"], pk["status"])]
            for attr, gv, pv in pairs:
                attrs[attr][1] += 1
                if _norm(gv) == _norm(pv):
                    attrs[attr][0] += 1
                else:
                    errors[attr].append(f"{report_id}: {key} gold={_norm(gv)!r} got={_norm(pv)!r}")
    return prf, {a: tuple(v) for a, v in attrs.items()}, errors


#: fields a text may not state: also scored on the reports whose gold states them
STATED_FIELDS = ("published_date", "outlet", "authors")


def score_reports(gold: pd.DataFrame, pred: pd.DataFrame) -> tuple[dict, list[str], dict]:
    """Exact match per field over all reports, the errors, and for STATED_FIELDS the score on the
    reports whose gold states the field (correct, total) plus the values claimed where it does not."""
    fields = {f: [0, 0] for f in REPORT_FIELDS}
    stated = {f: [0, 0, 0] for f in STATED_FIELDS}  # correct, stated, claimed where not stated
    errors = []
    pred = pred.set_index("report_id")
    for _, grow in gold.iterrows():
        rid = grow["report_id"]
        for f in REPORT_FIELDS:
            fields[f][1] += 1
            got = pred.loc[rid, f] if rid in pred.index else None
            g, p = _text(grow[f]), _text(got)
            if f == "published_date" and p is not None:
                p = p[:10]
            if g == p:
                fields[f][0] += 1
            else:
                errors.append(f"{rid}.{f}: gold={g!r} got={p!r}")
            if f in stated:
                if g is not None:
                    stated[f][0] += g == p
                    stated[f][1] += 1
                elif p is not None:
                    stated[f][2] += 1
    return {f: tuple(v) for f, v in fields.items()}, errors, {f: tuple(v) for f, v in stated.items()}


def read_gold(gold_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(gold_dir / f"{name}.csv", dtype=str, keep_default_na=False).replace({"": None})
            for name in ("indicators", "projects", "reports")}


def evaluate_tables(gold_dir: Path, tables: dict[str, pd.DataFrame]) -> Scores:
    gold = read_gold(gold_dir)
    reports_in_gold = set(gold["reports"]["report_id"])
    ind = tables["indicators"]
    ind = ind[ind["report_id"].isin(reports_in_gold)]
    mentions = tables["project_mentions"][tables["project_mentions"]["report_id"].isin(reports_in_gold)]
    prf, attrs, errors = score_indicators(gold["indicators"], ind)
    projects, pattrs, perrors = score_projects(gold["projects"], mentions, tables["projects"])
    lenient, _, _ = score_projects(gold["projects"], mentions, tables["projects"], lenient=True)
    fields, rerrors, stated = score_reports(gold["reports"], tables["reports"])
    by_genre = {}
    for genre, ids in gold["reports"].groupby("report_type")["report_id"]:
        ids = set(ids)
        g_ind = gold["indicators"][gold["indicators"]["report_id"].isin(ids)]
        g_proj = gold["projects"][gold["projects"]["report_id"].isin(ids)]
        by_genre[genre] = (score_indicators(g_ind, ind[ind["report_id"].isin(ids)])[0],
                           score_projects(g_proj, mentions[mentions["report_id"].isin(ids)], tables["projects"])[0])
    return Scores(prf, attrs, errors, projects, pattrs, perrors, fields, rerrors, lenient, by_genre,
                  codes=score_codes(gold["indicators"], ind), report_stated=stated)


def latest_release_dir(releases: Path) -> Path:
    return releases / read_index(releases)["latest"]


def evaluate_release(gold_dir: Path, release_dir: Path) -> Scores:
    tables = {n: pd.read_parquet(release_dir / f"{n}.parquet") for n in ("reports", "indicators", "projects", "project_mentions")}
    return evaluate_tables(gold_dir, tables)


def format_scores(s: Scores, details: bool = True) -> str:
    out = ["== indicators ==",
           f"precision {s.indicators.precision:.3f}  recall {s.indicators.recall:.3f}  F1 {s.indicators.f1:.3f}  "
           f"(tp {s.indicators.tp}, fp {s.indicators.fp}, fn {s.indicators.fn})",
           "attribute accuracy on matched rows:"]
    out += [f"  {a:<10} {s.accuracy(a):.3f}  ({c}/{t})" for a, (c, t) in s.attributes.items()]
    if s.codes:
        out.append(f"  code       recall {s.codes['recall']:.3f} ({s.codes['hit']}/{s.codes['gold_coded']})  "
                   f"precision {s.codes['precision']:.3f} ({s.codes['hit']}/{s.codes['pred_coded']})")
    out += ["== projects (distinct names per report) ==",
            f"strict   precision {s.projects.precision:.3f}  recall {s.projects.recall:.3f}  F1 {s.projects.f1:.3f}  "
            f"(tp {s.projects.tp}, fp {s.projects.fp}, fn {s.projects.fn})",
            f"lenient  precision {s.projects_lenient.precision:.3f}  recall {s.projects_lenient.recall:.3f}  F1 {s.projects_lenient.f1:.3f}  "
            f"(tp {s.projects_lenient.tp}, fp {s.projects_lenient.fp}, fn {s.projects_lenient.fn})",
            "attribute accuracy on matched names:",
            *[f"  {a:<10} {s.project_accuracy(a):.3f}  ({c}/{t})" for a, (c, t) in s.project_attributes.items()],
            "== reports (exact match per field) =="]
    out += [f"  {f:<15} {c}/{t}" + (f"   where stated {s.report_stated[f][0]}/{s.report_stated[f][1]}, claimed where not {s.report_stated[f][2]}"
                                    if f in s.report_stated else "") for f, (c, t) in s.report_fields.items()]
    if s.by_genre:
        out += ["== by genre (gold report_type): indicators F1 | projects F1 (strict) =="]
        out += [f"  {genre:<24} {i.f1:.3f} ({i.tp + i.fn} gold rows) | {p.f1:.3f} ({p.tp + p.fn} gold names)"
                for genre, (i, p) in sorted(s.by_genre.items())]
    if details:
        out += ["-- indicator misses --", *s.indicators.misses, "-- indicator extras --", *s.indicators.extras]
        for a, errs in s.attribute_errors.items():
            if errs:
                out += [f"-- {a} errors --", *errs]
        if s.codes.get("errors"):
            out += ["-- indicator_code errors --", *s.codes["errors"]]
        out += ["-- project misses --", *s.projects.misses, "-- project extras --", *s.projects.extras]
        for a, errs in s.project_errors.items():
            if errs:
                out += [f"-- project {a} errors --", *errs]
        out += ["-- report field errors --", *s.report_errors]
    return "\n".join(out)


def score_codes(gold: pd.DataFrame, pred: pd.DataFrame) -> dict:
    """indicator_code on the rows matched as in score_indicators (optional gold rows left out):
    recall = gold-coded rows given the gold code / gold-coded rows; precision = predicted codes
    equal to the gold's / rows given a code. Returns counts, the two figures and the errors."""
    hit, gold_coded, pred_coded, errors = 0, 0, 0, []
    for report_id in sorted(set(gold["report_id"]) & set(pred["report_id"])):
        g = gold[gold["report_id"] == report_id].reset_index(drop=True)
        p = pred[pred["report_id"] == report_id].reset_index(drop=True)
        optional = [bool(_norm(o)) for o in g.get("optional", [None] * len(g))]
        for gi, pi in _match_rows(g, p, optional):
            if optional[gi]:
                continue
            gc, pc = _text(g.loc[gi].get("indicator_code")), _text(p.loc[pi].get("indicator_code"))
            gold_coded += gc is not None
            pred_coded += pc is not None
            hit += gc is not None and gc == pc
            if gc != pc:
                errors.append(f"{report_id}: {g.loc[gi, 'value']} gold={gc!r} ({g.loc[gi, 'metric']}) got={pc!r} ({p.loc[pi, 'metric']}) | {str(g.loc[gi, 'text'])[:40]}")
    return {"recall": hit / gold_coded if gold_coded else 1.0, "precision": hit / pred_coded if pred_coded else 1.0,
            "hit": hit, "gold_coded": gold_coded, "pred_coded": pred_coded, "errors": errors}
