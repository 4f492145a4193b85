"""Descriptive metadata of a report (the `reports` table's inferred columns); the curated
sidecar's values (raw/sidecar.py) win over inference."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ..raw.sidecar import PROVENANCE_FIELDS, SIDECAR_FIELDS
from ..rules import limit, load_yaml
from ..segmented.sentences import Segmented
from .gazetteer import _resolved, areas_named, resolve

RULES = "report_rules.yaml"


def _first(patterns: list[str], texts: list[str], flags=re.M) -> re.Match | None:
    for p in patterns:
        for t in texts:
            m = re.search(p, t, flags)
            if m:
                return m
    return None


def _head(seg: Segmented, text: str) -> str:
    """The title, the headings and the opening of the text: where a report says what it is."""
    heads = [s.text for s in seg.sentences if s.block in ("title", "heading")]
    return "\n".join(heads) + "\n" + text[: limit(RULES, "head_chars")]


def infer_report_type(seg: Segmented, text: str, has_byline: bool) -> str:
    heads = "\n".join(s.text for s in seg.sentences if s.block in ("title", "heading"))
    where = {"head": _head(seg, text), "text": text, "title": heads}
    for rule in load_yaml(RULES)["report_type"]:
        if rule["where"] == "byline":
            if has_byline:
                return rule["type"]
            continue
        if re.search(rule["pattern"], where[rule["where"]]):
            return rule["type"]
    return "other"


def _year_of(m: re.Match | None) -> int | None:
    return int(m.group(1)) if m else None


#: report types delivered at the start of the year they plan (a conference late in the year plans the next)
PLANNING_TYPES = ("government_work_report", "plan_report", "work_conference")


def infer_years(seg: Segmented, published: tuple[int, int | None] | None = None, report_type: str | None = None) -> tuple[int | None, int | None]:
    """(review year, plan year): stated (`2019年…统计公报`, `2019年主要预期目标`), else from the
    publication date of a report that plans (a work report of February 2019 plans 2019 and
    reviews 2018), else the years the review and plan parts name most, else read against the
    publication year (`今年一季度` reviews it, `今年…目标` plans it, `去年…实现` the year before).
    `published`: (year, month or None)."""
    rules = load_yaml(RULES)
    heads = [s.text for s in seg.sentences if s.block in ("title", "heading")]
    body = [s.text for s in seg.sentences if s.block == "body"]
    review_year = _year_of(_first(rules["review_year"], heads + body))
    plan_year = _year_of(_first(rules["plan_year"], heads + body))
    if review_year is None and report_type in PLANNING_TYPES:
        period = _first([rules["five_year_review"]], heads + body)
        review_year = rules["five_year_last"].get(period.group(1)) if period else None
    published_year = published[0] if published else None
    if published and report_type in PLANNING_TYPES and plan_year is None:
        year, month = published
        plan_year = year + 1 if month is not None and month >= 11 else year
    year_re = re.compile(r"(?<![0-9\-—~])((?:19|20)\d{2})年(?!代)")
    if review_year is None and report_type in ("news", "other"):
        # news reports what happened in the year it appeared, or the year its opening names
        if published_year is not None:
            review_year = published_year
        else:
            opening = heads + body[:1]
            years = Counter(int(y) for t in opening for y in year_re.findall(t))
            review_year = years.most_common(1)[0][0] if years else None
    if review_year is None:
        years = Counter(int(y) for s in seg.sentences if s.part == "review" and s.block == "body" for y in year_re.findall(s.text))
        review_year = years.most_common(1)[0][0] if years else None
    if plan_year is None:
        years = Counter(int(y) for s in seg.sentences if s.part == "plan" and s.block == "body" for y in year_re.findall(s.text))
        plan_year = years.most_common(1)[0][0] if years else None
    if published_year is not None:
        everything = heads + body
        if review_year is None and _first(rules["review_this_year"], everything):
            review_year = published_year
        if plan_year is None and _first(rules["plan_this_year"], everything):
            plan_year = published_year
        if review_year is None and _first(rules["review_last_year"], everything):
            review_year = published_year - 1
    if report_type in PLANNING_TYPES:
        # a work report, plan report or work conference reviews the year before the one it plans
        review_year = review_year or (plan_year - 1 if plan_year else None)
        plan_year = plan_year or (review_year + 1 if review_year else None)
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


def _date(m: re.Match | None) -> dt.date | None:
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except (TypeError, ValueError):
        return None


def infer_byline(seg: Segmented, text: str) -> dict:
    """Date, outlet and authors from the boilerplate lines, the title and the opening sentences
    (a dateline `2021-04-12 09:30 来源:`, a wire line `某某网讯 (记者 某某)`)."""
    rules = load_yaml(RULES)
    opening = [s.text for s in seg.sentences if s.block in ("title", "heading", "caption")]
    opening += [s.text for s in seg.sentences if s.block == "body"][: limit(RULES, "byline_sentences")]
    lines = list(seg.boilerplate) + opening
    out: dict = {"published_date": _date(_first(rules["published_date"], lines)), "outlet": None, "authors": None}
    hit = next(((k, m.group(1)) for k, p in enumerate(rules["outlet"]) for t in lines + [text[:200]] for m in re.finditer(p, t, re.M)
                if not re.search(rules["outlet_noise"], m.group(1))), None)
    out["outlet"] = hit[1] if hit else None
    # a credit closing a paragraph may stand anywhere in the text
    m = _first(rules["authors"], lines) or _first(rules["authors_anywhere"], lines + [text])
    # what marks a news item: an outlet or a credit, but not an issuing bureau or an office's credit
    # (the last outlet and author patterns), which sign statistical releases
    out["news_marks"] = bool(hit and hit[0] < len(rules["outlet"]) - 1) or bool(m and m.re.pattern != rules["authors_anywhere"][-1])
    if m:
        names = [n for n in re.split(r"[\s、]+", m.group(1).strip()) if n and not re.search(rules["author_outlet"], n)]
        names = [re.sub(rules["author_noise"], "", n) for n in names]  # 实习生胡某 -> 胡某
        out["authors"] = " ".join(n for n in names if len(n) >= 2 and not re.search(rules["author_noise"], n)) or None
    return out


def infer_title(seg: Segmented) -> str | None:
    """The first title line that is not a caption, breadcrumb, byline or dateline; when the first
    one is such chrome, a short standalone line right after it (a title under a breadcrumb)."""
    standalone = [s for s in seg.sentences[: limit(RULES, "title_lines")] if s.block in ("title", "caption")]
    if not standalone or seg.sentences[0].block not in ("title", "caption"):
        standalone = [s for s in seg.sentences if s.block == "title"][:1]
    for s in standalone:
        if not any(re.search(p, s.text) for p in load_yaml(RULES)["not_title"]):
            title = re.sub(r"[\s|]+$", "", s.text)
            for p in load_yaml(RULES)["title_strip"]:
                title = re.sub(p, "", title)
            return title or None
    return None


def url_date(url: str | None) -> tuple[int, int | None] | None:
    """(year, month) of a date in a source URL (`/2016-04/25/`): a publication stamp of last
    resort, used for the years only, never published as the date."""
    m = re.search(load_yaml(RULES)["url_date"], url or "")
    if not m:
        return None
    month = int(m.group(2)) if m.group(2) else None
    return int(m.group(1)), month if month and 1 <= month <= 12 else None


def _zone(head: str) -> tuple[str, str] | None:
    """(name, place name) of a development zone the head names, cut after the words before its
    place name (`我区在松山新区` -> 松山新区, 松山): the shortest form whose prefix is a known place
    name, else 2 characters."""
    m = re.search(load_yaml(RULES)["zone"], head)
    if not m:
        return None
    stem, suffix = m.group(1), m.group(2)
    place = next((stem[k:] for k in range(len(stem) - 1) if areas_named(stem[k:])), stem[-2:])
    return place + suffix, place


def infer_place(seg: Segmented, text: str):
    """The area: the gazetteer's best area, or a development zone the head names (no code; its
    city and province from the place name it carries, else from the text)."""
    head = _head(seg, text)
    place = resolve(text, head)
    zone = _zone(head)
    if zone and place.district is None:
        named = areas_named(zone[1])
        if len(named) == 1:  # the zone carries one place's name: it lies in that place's city
            around = _resolved(named[0])
            place.province, place.city = around.province, around.city or place.city
        place.district, place.admin_code = zone[0], None
    return place


def infer_metadata(seg: Segmented, text: str, sidecar: dict | None = None) -> dict:
    """All descriptive columns, sidecar values winning; `curated_fields` lists the curated ones."""
    sidecar = sidecar or {}
    place = infer_place(seg, text)
    if place.province is None and sidecar.get("source_publisher"):
        # a text that names no area (a bare statistics table): the public body that published it
        # names it (`某某市统计局`); an outlet's name does not (resolve() skips outlets)
        place = resolve(str(sidecar["source_publisher"]))
    byline = infer_byline(seg, text)
    report_type = sidecar.get("report_type") or infer_report_type(seg, text, has_byline=byline.pop("news_marks"))
    date = sidecar.get("published_date") or byline["published_date"]
    published = (date.year, date.month) if date else url_date(sidecar.get("source_url"))
    review_year, plan_year = infer_years(seg, published, report_type)
    meta = {
        "title": infer_title(seg),
        "province": place.province,
        "city": place.city,
        "district": place.district,
        "admin_code": place.admin_code,
        "report_type": report_type,
        "review_year": review_year,
        "plan_year": plan_year,
        **byline,
    }
    meta.update({k: v for k, v in sidecar.items() if k in SIDECAR_FIELDS})
    if ("review_year" not in sidecar or "plan_year" not in sidecar) and report_type in PLANNING_TYPES:
        review, plan = complete_years(seg, meta["review_year"], meta["plan_year"])
        meta["review_year"] = sidecar.get("review_year", review)
        meta["plan_year"] = sidecar.get("plan_year", plan)
    meta["curated_fields"] = ",".join(k for k in SIDECAR_FIELDS if k in sidecar and k not in PROVENANCE_FIELDS)
    return meta
