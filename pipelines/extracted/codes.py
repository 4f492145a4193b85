"""indicator_code: the catalogue code a metric names (pipelines/data/indicator_catalog.yaml), and
the catalogue itself as rows of the `indicator_catalog` table.

A metric is coded when the whole of it reads as [prefixes] NAME [tails] once the ignorable marks
are removed: the code names what is measured whatever the measure, anything before the name
other than an area, a period or a cue narrows the scope (开发区…, 区属…) and anything after it
other than a measure or comparison word changes the subject (工业投资); both leave it uncoded.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..rules import load_yaml
from .gazetteer import areas, short_name

CATALOG = "indicator_catalog.yaml"


def catalog() -> dict[str, dict]:
    return load_yaml(CATALOG)["codes"]


def catalog_rows() -> list[dict]:
    """The published `indicator_catalog` rows, in code order."""
    return [{
        "indicator_code": code,
        "name_zh": entry["name_zh"],
        "name_en": entry["name_en"],
        "aliases": list(entry.get("aliases") or []),
        "unit_std": entry["unit_std"],
        "better": entry.get("better", "higher"),
        "definition": entry["definition"],
        "source": entry["source"],
    } for code, entry in sorted(catalog().items())]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every name and alias -> its code (a name claimed by two codes is a catalogue error)."""
    out: dict[str, str] = {}
    for code, entry in catalog().items():
        for name in [entry["name_zh"], *(entry.get("aliases") or [])]:
            key = _clean(name)
            if out.setdefault(key, code) != code:
                raise ValueError(f"{CATALOG}: {name!r} is a name of both {out[key]} and {code}")
    return out


@lru_cache(maxsize=1)
def _area_names() -> list[str]:
    """Area names that may stand before a name (贵州省, 贵州, 杏花岭区): the area itself."""
    names = set()
    for area in areas().values():
        short = short_name(area)
        if area.level == "county" and len(area.name) >= 3 and area.name[-1] in "区县市":
            short = area.name[:-1]  # 涪陵区 -> 涪陵
        for name in (area.name, short):
            if name and len(name) >= 2:
                names.update((name, "全" + name))  # 全北京市: the whole of the area
    return sorted(names - set(load_yaml(CATALOG)["area_words"]), key=len, reverse=True)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    rules = load_yaml(CATALOG)
    prefix = "|".join([*(f"(?:{p})" for p in rules["prefixes"]), *map(re.escape, _area_names())])
    lead = "|".join(f"(?:{b})" for b in rules["boundaries"])
    tail = "|".join(f"(?:{t})" for t in rules["tails"])
    names = "|".join(re.escape(n) for n in sorted(_names(), key=len, reverse=True))
    # lazy prefixes: a longer name wins over a prefix plus a shorter name (城市居民… is not 城市 + 居民…)
    return re.compile(f"(?:.*(?:{lead}))?(?:{prefix})*?({names})(?:{tail})*")


@lru_cache(maxsize=1)
def _ignore() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load_yaml(CATALOG)["ignore"]))


def _clean(text: str) -> str:
    return _ignore().sub("", text).upper().replace("Ｐ", "P")


GLOSS = re.compile(r"[(（]([^()（）]*)[)）]")


@lru_cache(maxsize=4096)
def code_for(metric: str | None) -> str | None:
    """The catalogue code of a metric, or None for a local, narrowed or uncatalogued metric. A
    bracketed gloss is the defined term of the words before it (`占常住人口比重(常住人口城镇化率)`):
    it codes the metric when those words do not."""
    if not metric:
        return None
    m = _pattern().fullmatch(_clean(metric))
    if m:
        return _names()[m.group(1)]
    for gloss in GLOSS.findall(metric):
        g = _pattern().fullmatch(_clean(gloss))
        if g:
            return _names()[g.group(1)]
    return None


def assign_codes(metrics) -> list[str | None]:
    return [code_for(m) for m in metrics]
