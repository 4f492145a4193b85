"""Descriptive metadata of a report (the `reports` table's inferred columns); the curated
sidecar's values (raw/sidecar.py) win over inference."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ..raw.sidecar import PROVENANCE_FIELDS, SIDECAR_FIELDS
from ..rules import limit, load_yaml
from ..segmented.sentences import Segmented
from .gazetteer import resolve

RULES = "report_rules.yaml"


def _first(patterns: list[str], texts: list[str], flags=re.M) -> re.Match | None:
    for p in patterns:
        for t in texts:
            m = re.search(p, t, flags)
            if m:
                return m
    return None


def infer_report_type(seg: Segmented, text: str, has_byline: bool) -> str:
    heads = [s.text for s in seg.sentences if s.block in ("title", "heading")]
    where = {"head": "\n".join(heads) + "\n" + text[: limit(RULES, "head_chars")], "text": text, "title": "\n".join(heads)}
    for rule in load_yaml(RULES)["report_type"]:
        if rule["where"] == "byline":
            if has_byline:
                return rule["type"]
            continue
        if re.search(rule["pattern"], where[rule["where"]]):
            return rule["type"]
    return "other"


def infer_years(seg: Segmented) -> tuple[int | None, int | None]:
    rules = load_yaml(RULES)
    heads = [s.text for s in seg.sentences if s.block in ("title", "heading")]
    body = [s.text for s in seg.sentences if s.block == "body"]
    review = _first(rules["review_year"], heads + body)
    plan = _first(rules["plan_year"], heads + body)
    review_year = int(review.group(1)) if review else None
    plan_year = int(plan.group(1)) if plan else None
    year_re = re.compile(r"(?<![0-9\-—~])((?:19|20)\d{2})年(?!代)")
    if review_year is None:
        years = Counter(int(y) for s in seg.sentences if s.part == "review" and s.block == "body" for y in year_re.findall(s.text))
        review_year = years.most_common(1)[0][0] if years else None
    if plan_year is None:
        years = Counter(int(y) for s in seg.sentences if s.part == "plan" and s.block == "body" for y in year_re.findall(s.text))
        plan_year = years.most_common(1)[0][0] if years else None
    if review_year and plan_year and plan_year < review_year:
        plan_year = None
    return review_year, plan_year


def complete_years(seg: Segmented, review_year: int | None, plan_year: int | None) -> tuple[int | None, int | None]:
    """A report with a review part reviews the year before its plan year, and vice versa."""
    has_review = any(s.part == "review" for s in seg.sentences)
    has_plan = any(s.part == "plan" for s in seg.sentences)
    if review_year is None and plan_year and has_review:
        review_year = plan_year - 1
    if plan_year is None and review_year and has_plan:
        plan_year = review_year + 1
    return review_year, plan_year


def infer_byline(seg: Segmented) -> dict:
    rules = load_yaml(RULES)
    lines = list(seg.boilerplate)
    out: dict = {"published_date": None, "outlet": None, "authors": None}
    m = _first(rules["published_date"], lines)
    if m:
        try:
            out["published_date"] = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    m = _first(rules["outlet"], lines)
    if m:
        out["outlet"] = m.group(1)
    m = _first(rules["authors"], lines)
    if m:
        out["authors"] = " ".join(m.group(1).split())
    return out


def infer_metadata(seg: Segmented, text: str, sidecar: dict | None = None) -> dict:
    """All descriptive columns, sidecar values winning; `curated_fields` lists the curated ones."""
    sidecar = sidecar or {}
    place = resolve(text)
    byline = infer_byline(seg)
    review_year, plan_year = infer_years(seg)
    meta = {
        "title": seg.title,
        "province": place.province,
        "city": place.city,
        "district": place.district,
        "admin_code": place.admin_code,
        "report_type": infer_report_type(seg, text, has_byline=bool(byline["authors"] or byline["outlet"])),
        "review_year": review_year,
        "plan_year": plan_year,
        **byline,
    }
    meta.update(sidecar)
    if "review_year" not in sidecar or "plan_year" not in sidecar:
        review, plan = complete_years(seg, meta["review_year"], meta["plan_year"])
        meta["review_year"] = sidecar.get("review_year", review)
        meta["plan_year"] = sidecar.get("plan_year", plan)
    meta["curated_fields"] = ",".join(k for k in SIDECAR_FIELDS if k in sidecar and k not in PROVENANCE_FIELDS)
    return meta
