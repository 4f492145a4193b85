"""Named projects: mentions in a report (with status and category) and the unique-name table.

Candidates end with a head noun from data/project_rules.yaml; a name extends left to the
previous delimiter or verb. Enumerations `A、B等N个HEAD` are split into one mention each, with a
shared specific head restored (`小井峪、上庄等5个消防站` -> 小井峪消防站, 上庄消防站)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .indicators import clean_with_map
from .lexicon import load_yaml
from .repair import MARK
from .segment import Sentence

RULES = "project_rules.yaml"
DELIMS = set(",，;；。:：、!！?？()（）《》")
GENERIC_HEADS = ("项目", "工程")
COUNT_BEFORE = re.compile(r"(等|等\d+[个条座所家处项批]|等[一二三四五六七八九十两]+[个条座所家处项批大]|\d+[个条座所家处项批])$")


@dataclass
class Mention:
    name: str
    start: int
    end: int
    category: str
    status: str | None
    sentence_id: str


@lru_cache(maxsize=1)
def _heads() -> list[tuple[str, str]]:
    rules = load_yaml(RULES)["heads"]
    pairs = [(h, cat) for cat, hs in rules.items() for h in hs]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


@lru_cache(maxsize=1)
def _left_verbs() -> re.Pattern:
    return re.compile(load_yaml(RULES)["left_verbs"])


@lru_cache(maxsize=1)
def _rejects() -> list[re.Pattern]:
    return [re.compile(p) for p in load_yaml(RULES)["reject_name"]]


_GENERIC_MODIFIER = re.compile(
    r"^(在建|新建|续建|签约|储备|落地|开工|新开工|竣工投产|入统|重点|重大|优质|好|大|转型|招商|产业|民生|基础设施|城建|城改|"
    r"棚改|城市更新|建设|示范|试点|各类|一批|上述|相关|配套|提质|改造|提升|整治|工业|“[^”]{1,6}”)*(项目|工程)$"
)


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    if name.startswith("“") and name.endswith("”") and name.count("“") == 1:
        name = name[1:-1]
    return name.strip("“”\"'《》")


def project_key(name: str) -> str:
    """One project with or without a trailing 项目: the key drops it."""
    key = normalise_name(name)
    return key[:-2] if key.endswith("项目") and len(key) > 4 else key


def project_id(district: str | None, name: str) -> str:
    return "p_" + hashlib.sha1(f"{district or ''}|{project_key(name)}".encode()).hexdigest()[:12]


def is_rejected(name: str) -> bool:
    if len(name) < 3 or len(name) > 32 or MARK in name:
        return True
    if _GENERIC_MODIFIER.match(name):
        return True
    return any(p.search(name) for p in _rejects())


def status_of(clause: str, part: str | None) -> str | None:
    for rule in load_yaml(RULES)["status"]:
        if re.search(rule["pattern"], clause):
            status = rule["status"]
            if part == "plan":
                # in a plan, a future completion or opening is the stage still to come
                status = {"completed": "under_construction", "operating": "under_construction", "started": "planned"}.get(status, status)
            return status
    return None


def _left_boundary(clean: str, h: int) -> int:
    """Where a name ending at h starts: after the last delimiter, number-count or verb."""
    start = 0
    for k in range(h - 1, -1, -1):
        if clean[k] in DELIMS and not (clean[k] in "()（）" and _inside_parens(clean, k, h)):
            start = k + 1
            break
    segment = clean[start:h]
    # an unclosed opening quote before the head: the name starts inside the quote
    q = segment.rfind("“")
    if q >= 0 and segment.find("”", q) < 0:
        return start + q + 1
    last = None
    for m in _left_verbs().finditer(segment):
        if m.end() < len(segment):
            last = m
    if last is not None:
        start += last.end()
    num = re.search(r"\d+(\.\d+)?[个条座所家处项批余]*", clean[start:h])
    if num and num.end() < h - start:
        start += num.end()
    return start


def _inside_parens(clean: str, k: int, h: int) -> bool:
    """A bracket at k that belongs to the name ending at h: 中国(太原)农产品加工园."""
    if clean[k] in "(（":
        return True  # an opener before the head whose closer is also before it
    opener = clean.rfind("(" if clean[k] == ")" else "（", 0, k)
    return opener >= 0 and k - opener <= 8


def _find_heads(clean: str) -> list[tuple[int, int, str]]:
    found, i = [], 0
    taken = [False] * len(clean)
    for head, cat in _heads():
        for m in re.finditer(re.escape(head), clean):
            a, b = m.start(), m.end()
            if any(taken[a:b]):
                continue
            # a head must end the name: not followed by more name characters of a longer head
            for k in range(a, b):
                taken[k] = True
            found.append((a, b, cat))
    return sorted(found)


def mentions_in_clause(clean: str, part: str | None) -> list[tuple[str, int, int, str, str | None]]:
    """(name, start, end, category, status) in clean-clause coordinates."""
    out = []
    status = status_of(clean, part)
    for a, b, cat in _find_heads(clean):
        # the head must close the name: the next char is a delimiter, a verb-ish char or end
        start = _left_boundary(clean, a)
        name = clean[start:b]
        if b < len(clean) and clean[b] == "”" and name.startswith("“") is False and "“" not in name:
            pass
        before = clean[:start]
        enum = COUNT_BEFORE.search(before)
        items_region = None
        if start == a and enum:
            # `A、B等N个HEAD`: the head is shared; the names are the list items
            items_region = (_left_boundary(clean[: enum.start()] + "。", enum.start()), enum.start())
        elif name.startswith(("等",)):
            continue
        if items_region is not None or (enum and _GENERIC_MODIFIER.match(name)):
            if items_region is None:
                items_region = (_left_boundary(clean, enum.start()), enum.start())
            ra, rb = items_region
            region = clean[ra:rb]
            # the region may hold verbs before the first item: keep from the last verb on
            pos = ra
            for item in region.split("、"):
                ia, ib = pos, pos + len(item)
                pos = ib + 1
                item_clean = item.strip("“”")
                if not item_clean:
                    continue
                own = next(((h, c) for h, c in _heads() if item_clean.endswith(h)), None)
                if own:
                    out.append((item, ia, ib, own[1], status))
                elif clean[a:b] not in GENERIC_HEADS and not _GENERIC_MODIFIER.match(name):
                    out.append((item + clean[a:b], ia, ib, cat, status))  # shared suffix restored
                else:
                    out.append((item, ia, ib, cat if clean[a:b] not in GENERIC_HEADS else "other", status))
            continue
        # `学府、龙城社区卫生服务中心`: a short bare item right before shares the suffix
        if start > 1 and clean[start - 1] == "、":
            prev_start = _left_boundary(clean, start - 1)
            prev = clean[prev_start : start - 1]
            if 2 <= len(prev) <= 4 and not any(prev.endswith(h) for h, _ in _heads()) and len(name) - len(prev) >= 2:
                out.append((prev + name[len(prev):], prev_start, start - 1, cat, status))
        out.append((name, start, b, cat, status))
    return out


def extract_mentions(text: str, sentences: list[tuple[str, Sentence]]) -> list[Mention]:
    mentions: list[Mention] = []
    taken: set[int] = set()
    for sentence_id, sentence in sentences:
        if sentence.truncated:
            continue
        for cs, ce in sentence.clauses():
            raw = text[cs:ce]
            clean, where = clean_with_map(raw, cs)
            if not clean:
                continue
            for name, a, b, cat, status in mentions_in_clause(clean, sentence.part):
                norm = normalise_name(name)
                if is_rejected(norm) or where[a] in taken:
                    continue
                taken.add(where[a])
                mentions.append(Mention(norm, where[a], where[b - 1] + 1, cat, status, sentence_id))
    return mentions


_STATUS_ORDER = ["planned", "signed", "started", "under_construction", "completed", "operating"]


def build_projects(mentions: pd.DataFrame) -> pd.DataFrame:
    """The unique-name table from all reports' mentions (columns of registry.PROJECTS).

    `mentions` holds project_id, name, district, category, status, report_id, start."""
    rows = []
    if mentions.empty:
        return pd.DataFrame(columns=["project_id", "name", "district", "category", "status", "investment_value", "investment_unit", "n_mentions", "first_report_id"])
    for pid, group in mentions.sort_values(["report_id", "start"]).groupby("project_id", sort=True):
        names = group["name"].value_counts()
        top = names[names == names.max()].index
        name = sorted(top, key=lambda n: (-len(n), n))[0]
        statuses = [s for s in group["status"] if isinstance(s, str)]
        categories = group["category"].value_counts()
        rows.append(
            {
                "project_id": pid,
                "name": name,
                "district": group["district"].iloc[0],
                "category": categories.index[0],
                "status": statuses[-1] if statuses else None,
                "investment_value": None,
                "investment_unit": None,
                "n_mentions": len(group),
                "first_report_id": group["report_id"].min(),
            }
        )
    return pd.DataFrame(rows)
