"""Indicators: every Arabic-digit quantity a report states, with value, unit, measure, kind,
year, qualifier and metric. Rules and lexicons live in data/units.yaml and
data/indicator_rules.yaml; this module is the algorithm."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from ..chars import HAN_BASIC, MARK
from ..rules import any_match, compiled, limit, load_yaml
from ..segmented.sentences import Sentence
from .subjects import about, is_elliptical, split_subject, subject_of
from .tables import read_tables

RULES = "indicator_rules.yaml"
NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:([-—~～至到])(\d+(?:\.\d+)?))?")
YEAR_MENTION = re.compile(r"(?<![0-9\-—~])((?:19|20)\d{2})年")
#: what introduces a list of targets or results (`主要预期目标是:`, `目标——`)
LEAD_SEPARATOR = re.compile(r"[:：]|——|—")
PIECE_BREAK = re.compile(r"[,，:：、;；]")
HAN_RUN = re.compile(f"^[{HAN_BASIC}“”·A-Za-z0-9]+")
#: `7.4:57.4:35.2`: parts of a whole written as a colon ratio (not a time: parts may be decimals)
COLON_RATIO = re.compile(r"(?<![0-9.])\d+(?:\.\d+)?(?:[:：∶]\d+(?:\.\d+)?)+(?![0-9.])")
#: `4.4、0.4和3.7个百分点`, `1.74个、3.22个、4.0个百分点`: numbers of one list share the last unit
LIST_NEXT = re.compile(r"^(个)?(?:、|和|及|与|以及)(\d+(?:\.\d+)?)")


@dataclass
class ReportContext:
    report_id: str
    district: str | None = None
    review_year: int | None = None
    plan_year: int | None = None
    report_type: str | None = None


#: a paragraph about a several-year period: its figures have no year
PERIOD = "period"


@lru_cache(maxsize=1)
def units() -> tuple[dict, dict, list[str]]:
    lex = load_yaml("units.yaml")
    unit_forms = sorted(lex["units"], key=len, reverse=True)
    return lex["units"], lex["multipliers"], unit_forms


def unit_vocabulary() -> list[str]:
    """Every unit string an indicator may carry: a unit, a multiplier, or a multiplier + unit."""
    table, mults, _ = units()
    vocab = set(table) | set(mults)
    vocab |= {m + u for m in mults for u in table}
    return sorted(vocab)


def _rule(key: str) -> tuple[re.Pattern, ...]:
    return compiled(RULES, key)


_NON_SPACE = re.compile(r"\S+")


def clean_with_map(text: str, offset: int) -> tuple[str, list[int]]:
    """The clause without whitespace (page-break seams, `10.5 %`), and each kept char's offset."""
    chars, where = [], []
    for m in _NON_SPACE.finditer(text):  # runs of kept characters, not one char at a time
        chars.append(m.group())
        where.extend(range(offset + m.start(), offset + m.end()))
    return "".join(chars), where


def parse_unit(after: str) -> tuple[str, str | None, str | None, bool, int] | None:
    """Read `[multiplier][余|多][unit]` at the start of `after`.
    Returns (unit as written without 余/多, multiplier, unit form, 余/多 seen, chars consumed)."""
    table, mults, forms = units()
    best = None
    for mult in [None, *sorted(mults, key=len, reverse=True)]:
        rest = after
        used = 0
        if mult:
            if not rest.startswith(mult):
                continue
            rest, used = rest[len(mult):], len(mult)
        more = bool(re.match(r"^(余|多)(?![少元])", rest)) and bool(mult or any(rest[1:].startswith(f) for f in forms))
        if more:
            rest, used = rest[1:], used + 1
        form = next((f for f in forms if rest.startswith(f)), None)
        if form:
            used += len(form)
        if not form and not mult:
            continue
        written = (mult or "") + (form or "")
        candidate = (written, mult, form, more, used)
        # prefer a reading with a unit; among those the longest; ties: no multiplier (千米 not 千+米)
        key = (form is not None, used, mult is None)
        if best is None or key > best[0]:
            best = (key, candidate)
    return best[1] if best else None


def _list_unit(after: str) -> tuple[str, str | None, str | None, bool, int] | None:
    """The unit of a list item written without its own (`4.4、0.4和3.7个百分点`: 4.4 and 0.4 take
    个百分点; `1.74个、3.22个百分点`: 个 abbreviates it). Consumes only the item's own 个."""
    m = LIST_NEXT.match(after)
    if not m:
        return None
    rest = after[m.end():]
    while (n := LIST_NEXT.match(rest)) is not None:
        rest = rest[n.end():]
    last = parse_unit(rest)
    if last is None or last[2] is None or last[1] is not None:
        return None
    written, mult, form, more, _used = last
    own = m.group(1) or ""
    if own and not form.startswith(own):
        return None
    return written, mult, form, more, len(own)


def _in_short_quote(clean: str, i: int, j: int) -> bool:
    # only a quote opened at most `short` chars before the number can be short: search no further
    short = limit(RULES, "short_quote_chars")
    open_pos = clean.rfind("“", max(0, j - short - 1), i)
    if open_pos < 0 or clean.rfind("”", open_pos, i) >= 0:
        return False
    close_pos = clean.find("”", j, open_pos + short + 2)
    return close_pos >= 0 and close_pos - open_pos - 1 <= short


def _local(before: str) -> str:
    """The text of the clause piece before the number (after the last , ， : ： 、)."""
    parts = PIECE_BREAK.split(before)
    return parts[-1] if parts else ""


def noun_after(after_unit: str) -> str:
    """What a count names when the words before it do not (`2个精品示范村`, `等42个新建项目3月底前`)."""
    tail = re.split(r"[,，:：、;；。!！?？(（]", after_unit)[0]
    tail = re.sub(r"^(以上|及以上|左右|以内|以下|余|多)", "", tail)
    noun = HAN_RUN.match(tail)
    phrase = re.split(r"[0-9]+(?![0-9.]*[A-Za-z])", noun.group(0))[0] if noun else ""  # 5G stays
    cut = len(phrase)
    for stop in load_yaml(RULES)["metric_tail_stop"]:
        k = phrase.find(stop, 2)
        if k >= 2:
            cut = min(cut, k)
    return trim_metric(phrase[:cut])


def trim_metric(phrase: str) -> str:
    # quotes around a part of the name are layout, not the name (新增“四上”企业 -> 新增四上企业)
    phrase = re.sub(r"[“”\"‘’']", "", phrase).strip()
    # a completion verb inside the phrase is not the thing measured (工业实现增加值 -> 工业增加值)
    phrase = re.sub(r"(?<=.)(实现|完成)(?=.)", "", phrase)
    # a list before the measured thing is not the thing (阳光国际等亿元楼宇 -> 亿元楼宇)
    if "等" in phrase[1:] and len(phrase.rsplit("等", 1)[1]) >= 2:
        phrase = phrase.rsplit("等", 1)[1]
    for _ in range(3):
        for p in _rule("metric_trim_start"):
            phrase = p.sub("", phrase)
        for p in _rule("metric_trim_end"):
            phrase = p.sub("", phrase)
    return phrase.strip("“”\"' ")


def _qualifier(before: str, between_more: bool, after_unit: str) -> str | None:
    if between_more:
        return "more_than"
    for name in ("at_least", "approx", "at_most", "more_than"):
        spec = load_yaml(RULES)["qualifiers"][name]
        if any_match(_rule(f"qualifiers.{name}.after"), after_unit) if "after" in spec else False:
            return name
    for name in ("at_most", "at_least", "approx"):
        if any_match(_rule(f"qualifiers.{name}.before"), before):
            return name
    return None


def _measure(local: str, category: str, unit_written: str, value: float) -> tuple[str, int]:
    """(measure, sign) from the unit and the cue words right before the number."""
    sign = -1 if any_match(_rule("measure.negative_before"), local) else 1
    if category == "percent_point":
        if any_match(_rule("measure.ratio_before"), local):
            return "ratio", sign
        return "change", sign
    if category == "percent" and unit_written.endswith("‰"):
        return "ratio", sign  # a per-mille rate (出生率8.2‰) is not a share of a whole
    if category == "percent":
        if any_match(_rule("measure.ratio_before"), local):
            return "ratio", 1
        if any_match(_rule("measure.growth_before"), local):
            return "growth_rate", sign
        if any_match(_rule("measure.share_before"), local):
            return "share", 1
        return ("ratio" if value > 100 else "share"), 1
    if category == "multiple":
        return ("growth_rate", sign) if any_match(_rule("measure.growth_before"), local) else ("ratio", 1)
    if any_match(_rule("measure.change_before"), local) and not re.search(r"新(增|增加)$", local):
        return "change", sign
    return "amount", 1


SIGNED_CATEGORIES = ("percent", "percent_point", "multiple")


def minus_before(before: str) -> bool:
    """A minus sign written straight before the number (`增长-5.2%`), not a hyphen of a code, a
    date or a range (`COVID-19`, `2023-05-12`)."""
    rules = load_yaml(RULES)
    return bool(before) and re.fullmatch(rules["minus_sign"], before[-1]) is not None \
        and re.search(rules["minus_not_after"], before[-2:-1]) is None


def plausible_measure(measure: str, value: float) -> str | None:
    """The measure a percentage can have with this value under the gate's bounds: a negative share
    or a fall of more than 100% is a ratio; beyond the ratio bounds it is no reading (None)."""
    bounds = load_yaml(RULES)["percent_bounds"]
    if measure not in bounds:
        return measure
    lo, hi = bounds[measure]
    if not lo <= value <= hi:
        measure = "ratio"
    lo, hi = bounds["ratio"]
    return measure if lo <= value <= hi else None


def _local_kind(window: str, part: str | None) -> str | None:
    """`target` or `actual` from the words between the previous number and this one: the comma
    piece that holds the number first (a target word there wins), then the pieces before it.
    Inside a review or plan part only the strong words of the other kind count."""
    target = _rule("kind_cues.target") + (_rule("kind_cues.target_weak") if part != "review" else ())
    actual = _rule("kind_cues.actual") + (_rule("kind_cues.actual_weak") if part != "plan" else ())
    for piece in reversed(PIECE_BREAK.split(window)):
        if any_match(target, piece):
            return "target"
        if any_match(actual, piece):
            return "actual"
    return None


def paragraph_topic(sentence_text: str) -> int | str | None:
    """The year (or PERIOD) a sentence opening sets for the rest of its paragraph."""
    m = next((m for p in _rule("paragraph_year") for m in [p.match(sentence_text)] if m), None)
    if m:
        return int(m.group(1))
    return PERIOD if any(p.match(sentence_text) for p in _rule("paragraph_period")) else None


class SentenceContext:
    """What the kind and year rules read from the sentence before a number, found once per
    sentence: the year mentions, the first 去年, the list separators (`:` `——`). A number at
    position k of the sentence's whitespace-free text asks for them up to k, so each number costs
    a lookup instead of a pass over the sentence before it (linear in a very long sentence)."""

    def __init__(self, clean: str):
        self.clean = clean
        found = [(m.end(), int(m.group(1))) for m in YEAR_MENTION.finditer(clean)
                 if not re.search(r"(比|较|与|同)$", clean[max(0, m.start() - 1): m.start()])]
        self.year_ends, self.years = [e for e, _ in found], [y for _, y in found]
        self.last_year = clean.find("去年")
        self.separators = [(m.start(), m.end()) for m in LEAD_SEPARATOR.finditer(clean)]
        self.separator_ends = [e for _, e in self.separators]
        # where the first period cue (`两年累计`) ends: a figure after it has no year
        ends = [m.end() for p in _rule("period_cue") for m in [p.search(clean)] if m]
        self.period_end = min(ends) if ends else None

    def year_before(self, k: int) -> int | None:
        n = bisect.bisect_right(self.year_ends, k)
        return self.years[n - 1] if n else None

    def says_last_year(self, k: int) -> bool:
        return 0 <= self.last_year and self.last_year + 2 <= k

    def says_period(self, k: int) -> bool:
        return self.period_end is not None and self.period_end <= k

    def lead(self, k: int) -> str | None:
        """The text between the last two separators before k (`主要预期目标是:` in `…目标是:A增长6%`)."""
        n = bisect.bisect_right(self.separator_ends, k)
        if not n:
            return None
        start = self.separators[n - 2][1] if n > 1 else 0
        end = self.separators[n - 1][0]
        return self.clean[max(start, end - limit(RULES, "context_before_chars")): end]


def _kind_and_year(sentence: Sentence, context: SentenceContext, k: int, window: str, ctx: ReportContext,
                   topic: int | str | None = None) -> tuple[str, int | None]:
    """`k`: the number's position in the sentence's whitespace-free text; `window`: the text since
    the previous number of the clause (or the clause's start); `topic`: the year (or PERIOD) an
    earlier sentence of the paragraph opened with."""
    explicit = context.year_before(k)
    period = explicit is None and (topic == PERIOD or context.says_period(k))
    if explicit is None and isinstance(topic, int):
        explicit = topic
    kind = _local_kind(window, sentence.part)
    if kind is None and explicit and ctx.plan_year and explicit < ctx.plan_year:
        kind = "actual"  # a year before the one the report plans is a result (2021年…增长12%)
    if kind is None and explicit and ctx.plan_year and ctx.review_year and explicit == ctx.plan_year > ctx.review_year:
        kind = "target"
    if kind is None:
        lead = context.lead(k)
        if lead is not None and any_match(_rule("kind_cues.target"), lead):
            kind = "target"  # a list after `主要预期目标是:` or `目标——` sets targets
    if kind is None:
        if sentence.part == "plan":
            kind = "target"
        elif sentence.part == "review":
            kind = "actual"
        elif ctx.plan_year and not ctx.review_year:  # a text that only plans
            kind = "target"
        else:
            kind = "actual"
    if explicit:
        year = explicit
    elif period:
        year = None
    elif context.says_last_year(k):
        year = ctx.review_year or (ctx.plan_year - 1 if ctx.plan_year else None)
    elif kind == "actual":
        year = ctx.review_year or ctx.plan_year
    elif ctx.plan_year is None and ctx.report_type in ("news", "other"):
        year = ctx.review_year  # news plans the year it reports on (`年度计划投资…`)
    else:
        year = ctx.plan_year or (ctx.review_year + 1 if ctx.review_year else None)
    return kind, year


def expand_abbreviation(phrase: str, n: int) -> list[str] | None:
    """The n names an abbreviated phrase stands for (`第一、二、三产业增加值` with 3 numbers)."""
    for rule in load_yaml(RULES)["abbreviations"]:
        m = re.search(rule["pattern"], phrase)
        if m and len(rule["parts"]) == n:
            return [trim_metric(phrase[: m.start(1)] + part + phrase[m.end(1):]) for part in rule["parts"]]
    return None


def _abbreviation_parts(phrase: str, n: int) -> list[str] | None:
    """The parts an abbreviated phrase stands for (`第一、二、三产业增加值` -> 第一产业, 第二产业, 第三产业)."""
    for rule in load_yaml(RULES)["abbreviations"]:
        if re.search(rule["pattern"], phrase) and len(rule["parts"]) == n:
            return list(rule["parts"])
    return None


FENBIE = re.compile(r"([^,，:：;；]*?)分别([^,，;；]*)$")  # 分别 in the number's own comma piece


def _fenbie_start(before: str) -> int | None:
    m = FENBIE.search(before) if "分别" in before else None
    return m.start() if m else None


def _before_quantity(piece: str) -> str:
    """The words of a clause piece before an earlier quantity in it: a headline without commas
    (`GDP同比增长12.9%居全国第7位`) names the subject of both numbers before the first."""
    table = units()[0]
    for q in NUMBER.finditer(piece):
        rest = piece[q.end():]
        if any_match(_rule("not_quantity_after"), rest) or any_match(_rule("not_quantity_before"), piece[: q.start()]):
            continue
        parsed = parse_unit(rest)
        if parsed and parsed[2] and table[parsed[2]]["category"] in ("percent", "percent_point", "money", "multiple"):
            return piece[: q.start()]
    return piece


def _shared(recent: list[tuple[str, str]]) -> str | None:
    """The metrics of the amounts just before, joined (`产值` and `增加值` -> `产值和增加值`), when
    there are several."""
    names = []
    for metric, measure in reversed(recent):
        if measure != "amount":
            break
        names.insert(0, metric)
    names = list(dict.fromkeys(names))
    return "和".join(names) if len(names) > 1 else None


def _subject_before(before: str) -> str | None:
    """The subject of the clause piece before the number's, up to its first digit, when no figure
    of the sentence has named one (`生产总值达到.7亿元,是上年的1.7倍`: a number lost by the source)."""
    pieces = re.split(r"[,，:：、;；]", before)
    if len(pieces) < 2:
        return None
    words = trim_metric(re.split(r"\.?\d", pieces[-2])[0])
    return words if len(words) >= 2 and not is_elliptical(words) else None


def _fenbie_names(before: str, after: str, last_subjects: list[str] | None = None,
                  recent: list[tuple[str, str]] = ()) -> tuple[int, list[str], list[str]] | None:
    """`建成区绿地率、绿化覆盖率分别达`: the names that 分别 pairs with the numbers that follow, and
    the subject of each; an abbreviation (`三次产业…分别`, `城乡居民…分别`) is written out for as many
    numbers as follow. A list that names no subject (`对经济增长的贡献率分别为`, `分别较上年增长`)
    is about the subjects of the sentence's previous 分别 list when it has as many, else about the
    metrics of the amounts just before it (`recent`: (metric, measure) of the sentence's rows)."""
    m = FENBIE.search(before)
    if not m:
        return None
    count = 1 + len(re.findall(r"(?:、|和|及)\s*[-−]?\d", re.split(r"[,，;；。]", after)[0]))
    expanded = expand_abbreviation(m.group(1), count)
    if expanded:
        return m.start(), expanded, _abbreviation_parts(m.group(1), count) or expanded
    names = [n for n in (trim_metric(n) for n in m.group(1).split("、")) if n]
    if names and not (len(names) == 1 and is_elliptical(names[0])):
        return m.start(), names, [split_subject(n)[0] for n in names]
    subjects = None
    if last_subjects and len(last_subjects) == count:
        subjects = last_subjects
    elif count > 1 and len(recent) >= count and all(measure == "amount" and not is_elliptical(metric) for metric, measure in recent[-count:]):
        subjects = [split_subject(metric)[0] for metric, _ in recent[-count:]]
    if not subjects:  # an elliptical name without subjects of its own: read as any elliptical metric
        return (m.start(), names, names) if names and not is_elliptical(names[0]) else None
    phrase = names[0] if names else trim_metric(m.group(2))
    return m.start(), [about(s, phrase) or s for s in subjects], subjects


def colon_ratio_parts(clean: str, m: re.Match) -> list[tuple[int, int, float]] | None:
    """The parts of a colon ratio as (start, end, value) in `clean`, when the words before it name a
    structure (`三次产业比例`, `结构`) and the parts add up to 100: each part is then a share in
    percent. Other colon ratios (`1:1配套`, times) are not read."""
    lead = clean[max(0, m.start() - limit(RULES, "context_before_chars")): m.start()]
    if not any_match(_rule("colon_ratio_before"), _local(lead)):
        return None
    parts, pos = [], m.start()
    for piece in re.split(r"[:：∶]", m.group(0)):
        parts.append((pos, pos + len(piece), float(piece)))
        pos += len(piece) + 1
    return parts if abs(sum(v for _, _, v in parts) - 100) <= 1 else None


def extract_indicators(text: str, sentences: list[tuple[str, Sentence]], ctx: ReportContext) -> list[dict]:
    """Rows of the indicators table for one report. `sentences`: (sentence_id, Sentence)."""
    table, mults, _ = units()
    rows = _table_rows(text, sentences, ctx)
    in_tables = {r["start"] for r in rows}
    topics: dict[int, int | str] = {}  # paragraph -> the year (or PERIOD) an earlier sentence opened with
    # the rules read a bounded window around each number (see the limits in the rule file)
    back, ahead = limit(RULES, "context_before_chars"), limit(RULES, "context_after_chars")
    for sentence_id, sentence in sentences:
        topic = topics.get(sentence.paragraph)
        opened = paragraph_topic(sentence.text)
        if opened is not None:
            topics[sentence.paragraph] = opened
        if sentence.truncated:  # titles, headings and captions state figures too (a headline)
            continue
        # the subject of the sentence so far, the subjects of its last 分别 list, and its rows'
        # (metric, measure): what an elliptical metric or a list without names is about
        subject, list_subjects, recent = None, None, []
        sentence_clean, sentence_where = clean_with_map(text[sentence.start:sentence.end], sentence.start)
        context = SentenceContext(sentence_clean)
        for cs, ce in sentence.clauses():
            raw = text[cs:ce]
            if MARK in raw:
                continue
            clean, where = clean_with_map(raw, cs)
            shown = clause_display(raw)
            if len(shown) > limit(RULES, "clause_text_max_chars"):
                shown = None  # each row shows the part of the clause around its number
            offset = bisect.bisect_left(sentence_where, cs)  # the clause's start in sentence_clean
            previous_metric = None  # the clause's last amount metric (else its first): a fallback subject
            fenbie_index = 0
            taken: set[int] = set()
            for cm in COLON_RATIO.finditer(clean):
                taken.update(range(cm.start(), cm.end()))
                parts = colon_ratio_parts(clean, cm) or []
                lead = clean[max(0, cm.start() - back): cm.start()]
                whole = trim_metric(_local(lead))
                part_names = expand_abbreviation("三次产业", len(parts)) if re.search("产业", whole) else None
                for k, (i, j, value) in enumerate(parts):
                    kind, year = _kind_and_year(sentence, context, offset + i, lead, ctx, topic)
                    rows.append({
                        "indicator_id": f"{ctx.report_id}:{where[i]}", "report_id": ctx.report_id, "sentence_id": sentence_id,
                        "district": ctx.district, "year": year, "kind": kind,
                        "metric": whole + part_names[k].replace("三次产业", "") if part_names else whole,
                        # no unit is written in 8.1:47.2:44.7; the parts are percent of the whole
                        "measure": "share", "value": value, "value_max": None, "unit": "", "qualifier": None,
                        "value_std": value, "unit_std": "%", "text": shown or excerpt(text, cs, ce, where[i], where[j - 1] + 1),
                        "start": where[i], "end": where[j - 1] + 1,
                    })
            previous_end = 0  # end of the previous number in the clause: the kind window starts there
            list_measure = None  # the measure of the previous quantity, for list items
            fenbie_names = None
            for m in NUMBER.finditer(clean):
                i, j = m.start(), m.end()
                window_start, previous_end = previous_end, j
                if i in taken or where[i] in in_tables or (i > 0 and where[i - 1] in in_tables):
                    continue
                before, after = clean[max(0, i - back):i], clean[j:j + ahead]
                value = float(m.group(1))
                value_max = float(m.group(3)) if m.group(3) else None
                if any_match(_rule("not_quantity_after"), after) or after.startswith("+"):
                    continue
                parsed = _list_unit(after) or parse_unit(after)
                info = table.get(parsed[2]) if parsed and parsed[2] else None
                minus = info is not None and info["category"] in SIGNED_CATEGORIES and minus_before(before)
                if minus:
                    before, i = before[:-1], i - 1  # the sign is part of the number and its span
                rank = before.endswith("第") and parsed and parsed[2] in ("位", "名")
                if not rank and any_match(_rule("not_quantity_before"), before):
                    continue
                if parsed is None:
                    continue
                written, mult, form, more, used = parsed
                category = "rank" if rank else (info["category"] if info else "count")
                after_unit = after[used:]
                if after_unit.startswith("级") or _in_short_quote(clean, i, j):
                    continue
                if m.group(1).isdigit() and limit(RULES, "year_min") <= value <= limit(RULES, "year_max") and not form and not mult:
                    continue
                if any_match(_rule("threshold_after"), after_unit) and (
                    category in load_yaml(RULES)["threshold_categories"] or re.match(r"^(以上|以下)?(范围内|范围|以内的)", after_unit)
                ):
                    continue
                local = _local(before)
                measure, sign = ("rank", 1) if rank else _measure(local, category, written, value)
                if list_measure and re.fullmatch(r"[^,，;；:：]{0,8}?(、|和|及|与|以及)\s*", clean[window_start:i]) \
                        and not rank and list_measure[0] != "amount":
                    measure, sign = list_measure  # 分别增长4.7倍、1.3倍和94.2%: one cue for the list
                list_measure = (measure, sign)
                if minus:
                    sign = -1  # a written minus says the sign whatever the cue (增长-5.2%, 下降-5%)
                measure = plausible_measure(measure, sign * value)
                if measure is None:
                    continue
                qualifier = _qualifier(before, more, after_unit)
                kind, year = _kind_and_year(sentence, context, offset + i, clean[window_start:i], ctx, topic)

                list_start = _fenbie_start(before)
                if list_start is not None:
                    list_start += i - len(before)  # where the list starts in the clause (before is a window)
                if list_start is None:
                    fenbie_names, fenbie_index = None, 0
                elif fenbie_names is None or list_start != fenbie_names[0]:
                    # a new 分别 list: its first item names them all
                    fenbie_names = _fenbie_names(before, clean[i:i + ahead], list_subjects, recent)
                    if fenbie_names is not None:
                        fenbie_names = (list_start, *fenbie_names[1:])
                    fenbie_index = 0
                    list_subjects = fenbie_names[2] if fenbie_names else list_subjects
                names = fenbie_names[1] if fenbie_names else None
                named = True  # the metric is what the words before the number name
                if names:
                    metric = names[min(fenbie_index, len(names) - 1)]
                    fenbie_index += 1
                    named, subject = False, None  # after a list, which subject a figure is about is unclear
                else:
                    piece = re.split(r"[,，:：、;；]", before)[-1]
                    if measure != "amount":  # an earlier amount in the piece is another thing (总投资5亿元的3个项目)
                        piece = _before_quantity(piece)
                    metric = trim_metric(piece)
                    shared = any_match(_rule("elliptical.shared"), piece) is not None
                    if shared and _shared(recent):
                        # a figure said of several subjects at once (`产值…，增加值…，同比都增长4.9%`)
                        metric = _shared(recent)
                    elif len(metric) < 2 and measure in ("growth_rate", "change", "share", "ratio", "rank") and (subject or previous_metric):
                        metric = subject or previous_metric
                    elif len(metric) < 2 or (measure == "amount" and re.search(r"(等|的)$", piece)):
                        # `打造2个精品示范村`, `A、B等12个项目`: the count names what follows it
                        metric = noun_after(after_unit)[: limit(RULES, "metric_max_chars")] or metric or previous_metric or local
                        named = False
                    if metric and is_elliptical(metric) and not shared \
                            and not (measure == "amount" and category == "count"):  # `增速居9个城市首位` counts something else
                        # `两年平均增长5.3%`, `比全国高3.9个百分点`: a figure of the subject named before
                        metric = about(subject or _subject_before(before), metric) or metric
                previous_metric = metric if measure == "amount" else previous_metric or metric
                if named and len(metric) >= 2 and not is_elliptical(metric):
                    subject = subject_of(metric)
                recent.append((metric, measure))

                mult_factor = mults.get(mult, 1) if mult else 1
                unit_factor = info["factor"] if info else 1
                unit_std = "位" if rank else (info["std"] if info else "")
                value_signed = sign * value
                start = where[i]
                end = where[j + used - 1] + 1
                rows.append(
                    {
                        "indicator_id": f"{ctx.report_id}:{start}",
                        "report_id": ctx.report_id,
                        "sentence_id": sentence_id,
                        "district": ctx.district,
                        "year": year,
                        "kind": kind,
                        "metric": metric,
                        "measure": measure,
                        "value": value_signed,
                        "value_max": value_max,
                        "unit": written if not rank else parsed[0],
                        "qualifier": qualifier,
                        "value_std": round(abs(value) * mult_factor * unit_factor, 6) * (1 if measure == "amount" else sign),
                        "unit_std": unit_std,
                        "text": shown or excerpt(text, cs, ce, start, end),
                        "start": start,
                        "end": end,
                    }
                )
    return rows


def _table_rows(text: str, sentences: list[tuple[str, Sentence]], ctx: ReportContext) -> list[dict]:
    """One row per number of a text table: the row label is the metric, the column header gives
    unit and measure, the year is the one the table's title names (else the report's)."""
    table, mults, _ = units()
    rows = []
    starts = [s.start for _, s in sentences]  # in text order: each cell's sentence found by bisection
    title_years: dict[int, list[tuple[int, int]]] = {}
    for cell in read_tables(text):
        k = bisect.bisect_right(starts, cell.start) - 1
        owner = sentences[k] if k >= 0 and sentences[k][1].start <= cell.start < sentences[k][1].end else None
        if owner is None or owner[1].truncated:
            continue
        measure = plausible_measure(cell.measure, cell.value)
        if measure is None:
            continue
        title_start = max(0, text.rfind("\n", 0, max(0, text.rfind("|", 0, cell.start) - 200)))
        line_start = text.rfind("\n", 0, cell.start) + 1
        line_end = text.find("\n", cell.end)
        line_end = len(text) if line_end < 0 else line_end
        if title_start not in title_years:  # the years from the title on, found once (a one-line table is long)
            title = text[title_start:line_end]
            title_years[title_start] = [(title_start + m.end(), int(m.group(1))) for m in YEAR_MENTION.finditer(title)
                                        if not re.search(r"(比|较|与|同)$", title[max(0, m.start() - 1):m.start()])]
        found = title_years[title_start]
        n = bisect.bisect_right(found, (cell.start, float("inf")))  # the last year ending before the cell
        year = found[n - 1][1] if n else ctx.review_year
        parsed = parse_unit(cell.unit) if cell.unit else None
        factor = (mults.get(parsed[1], 1) if parsed and parsed[1] else 1) * (table[parsed[2]]["factor"] if parsed and parsed[2] in table else 1)
        unit_std = table[parsed[2]]["std"] if parsed and parsed[2] in table else ""
        rows.append({
            "indicator_id": f"{ctx.report_id}:{cell.start}", "report_id": ctx.report_id, "sentence_id": owner[0],
            "district": ctx.district, "year": year, "kind": "actual", "metric": cell.label, "measure": measure,
            "value": cell.value, "value_max": None, "unit": cell.unit, "qualifier": None,
            "value_std": round(abs(cell.value) * factor, 6) if measure == "amount" else cell.value, "unit_std": unit_std,
            "text": clause_display(text[line_start:min(line_end, line_start + 200)])[:80],
            "start": cell.start, "end": cell.end,
        })
    return rows


def clause_display(raw: str) -> str:
    return re.sub(r"\s*\n\s*", "", raw).strip().rstrip("；;")


def excerpt(text: str, cs: int, ce: int, start: int, end: int) -> str:
    """The part of an over-long clause around the number at start:end, with … where it is cut
    (a row stores its own text: the whole of a 200k-character clause in every row is quadratic)."""
    half = limit(RULES, "clause_text_max_chars") // 2
    a, b = max(cs, start - half), min(ce, end + half)
    return ("…" if a > cs else "") + clause_display(text[a:b]) + ("…" if b < ce else "")
