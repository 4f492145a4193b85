"""Project names: where a clause names a project, and the name's normal form and id.
Decisions are written up in docs/decisions.md ("Projects").

A name ends with a head noun from data/project_rules.yaml (`产业园`, `消防站`, `项目`) at a
word boundary, and extends left over jieba tokens until a delimiter, a governing verb, a
function word or a count. A name must carry something specific (a place or proper name, a rare
word, digits, Latin letters, a quoted part): `公办幼儿园` and `商业综合体` are kinds, not names.
Enumerations `A、B等N个HEAD` give one mention per item, with a specific shared head restored
(`小井峪、上庄等5个消防站` -> 小井峪消防站, 上庄消防站); `A、B等项目` keeps the items as
written. `学府、龙城社区卫生服务中心` restores the suffix on the short first item."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from ..chars import HAN_BASIC, MARK
from ..rules import limit, load_yaml

RULES = "project_rules.yaml"
DELIMS = set(",，;；。:：、!！?？《》/‘’")
GENERIC_HEADS = ("项目", "工程")
#: `等`, `等5个`, `等23条`, `等七大` right before a shared head
COUNT = re.compile(r"^([0-9]+|[一二两三四五六七八九十百千]+)$")
PROPER_POS = {"ns", "nr", "nrt", "nrfg", "nz", "nt", "eng", "j"}
NOUN_POS = {"n", "ng", "nz", "vn", "nr", "l", "s"}
CLASSIFIER = r"[个条座所家处项批栋大万亿]"
#: `5个`, `23条`, `七大`: a count between 等 and a shared head
#: a name holds at most this many verbs (`…超低排放改造项目`); more is a clause, not a name
COUNT_PHRASE = r"(?:[0-9]+|[一二两三四五六七八九十百]+)?[个条座所家处项批栋大]?"
CONJUNCTIONS = ("及", "和", "与", "以及")
STOP_POS = {"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "d", "ad", "q", "y", "e", "o"}


@dataclass
class Token:
    text: str
    pos: str
    start: int
    end: int


# ----------------------------------------------------------------------------- lexicon


@lru_cache(maxsize=1)
def rules() -> dict:
    return load_yaml(RULES)


@lru_cache(maxsize=1)
def _heads() -> list[tuple[str, str]]:
    pairs = [(h, cat) for cat, hs in rules()["heads"].items() for h in hs]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


@lru_cache(maxsize=1)
def _head_index() -> tuple[dict[str, str], list[int]]:
    """Head -> category, and the head lengths longest first (a suffix lookup per token end)."""
    by_head = dict(reversed(_heads()))
    return by_head, sorted({len(h) for h in by_head}, reverse=True)


@lru_cache(maxsize=1)
def _candidate_clause() -> re.Pattern:
    """A clause can hold a project only if it holds a head noun, 等, or a quoted name."""
    words = sorted({h for h, _ in _heads()} | set(_kinds()) | {"等", "“"}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@lru_cache(maxsize=None)
def _pattern(key: str) -> re.Pattern:
    value = rules()[key]
    return re.compile(value if isinstance(value, str) else "|".join(f"(?:{p})" for p in value))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(rules()["stop_words"])


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    """Kind nouns after 等 that make the items before it projects (`等道路建设`), longest first."""
    pairs = [(w, cat) for cat, ws in rules()["enumeration_kinds"].items() for w in ws]
    return dict(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    return frozenset(rules()["generic_words"])


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Administrative names from the user dictionary (tag ns): always specific."""
    from ..segmented.tokens import USERDICT

    return frozenset(line.split()[0] for line in USERDICT.read_text(encoding="utf-8").splitlines() if line.endswith(" ns"))


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """Part of speech per word: jieba's dictionary, then the project's user dictionary."""
    import jieba.posseg

    from ..segmented.tokens import USERDICT, _tokenizer

    tags = dict(jieba.posseg.POSTokenizer(_tokenizer()).word_tag_tab)
    for line in USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            tags[parts[0]] = parts[2]
    tags.update(rules()["pos_override"])
    return tags


def tag(clean: str, words: list[str] | None = None) -> list[Token]:
    """jieba's words (HMM on, as in the segmented stage) with the part of speech its dictionary
    gives each word. A word the dictionary lacks was found by the HMM: mostly a proper name, so
    it is tagged `nz`. (jieba.posseg's own HMM tagging costs about ten times as much.)
    `words`: the clause's tokens from the segmented stage when the caller has them (they equal
    jieba's words of `clean`), so the clause is not tokenised twice."""
    from ..segmented.tokens import _tokenizer

    tags = _word_tags()
    tokens, pos = [], 0
    for word in (words if words is not None else _tokenizer().lcut(clean, HMM=True)):
        flag = tags.get(word) or ("m" if word.isdigit() else "eng" if word.isascii() and word.isalpha() else "x" if not word.strip() or not word.isalnum() else "nz")
        tokens.append(Token(word, flag, pos, pos + len(word)))
        pos += len(word)
    return tokens


def _frequency(word: str) -> int:
    from ..segmented.tokens import _tokenizer

    return _tokenizer().FREQ.get(word) or 0


def is_specific(token: Token) -> bool:
    """A token that can make a name a name: a proper noun, a rare word, digits or Latin letters."""
    if re.search(r"[0-9A-Za-z]", token.text):
        return True
    if not re.search(f"[{HAN_BASIC}]", token.text) or token.text in _stop_words() or token.text in _generic_words():
        return False
    if token.text in _places():
        return True
    freq = _frequency(token.text)
    limits = rules()["specific_frequency"]
    return freq < limits["any"] or (token.pos in PROPER_POS and freq < limits["proper"])


# ----------------------------------------------------------------------------- names


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+", "", name).lstrip("·+-")
    if name.startswith("“") and name.endswith("”") and name.count("“") == 1:
        name = name[1:-1]
    # a quote opened before the name and closed after it
    if name.startswith("“") and "”" not in name:
        name = name[1:]
    if name.endswith("”") and "“" not in name:
        name = name[:-1]
    return name


def _fold(name: str) -> str:
    return name.translate(str.maketrans("（）［］", "()[]"))


def project_key(name: str) -> str:
    """One project with or without a trailing 项目 or 建设项目 (`X新校区建设项目` is `X新校区`): the
    key drops it."""
    key = _fold(normalise_name(name))
    for tail in ("建设项目", "项目"):
        if key.endswith(tail) and len(key) - len(tail) >= 3:
            return key[: -len(tail)]
    return key


def project_id(district: str | None, name: str) -> str:
    return "p_" + hashlib.sha1(f"{district or ''}|{project_key(name)}".encode()).hexdigest()[:12]


def _strip_suffix(name: str) -> str:
    return re.sub("(?:" + rules()["suffix_pattern"] + ")$", "", name) or name


def head_of(name: str) -> tuple[str, str] | None:
    """The head noun a name ends with (after a trailing 项目 or stage suffix), and its category."""
    core = _strip_suffix(name)
    for candidate in (core, name):
        hit = next(((h, c) for h, c in _heads() if candidate.endswith(h)), None)
        if hit:
            return hit
    return None


def is_rejected(name: str) -> bool:
    if len(name) < 2 or len(name) > limit(RULES, "name_max_chars") or MARK in name:
        return True
    if name.count("“") != name.count("”") or name.count("(") != name.count(")") or name.count("（") != name.count("）"):
        return True
    return bool(_pattern("reject_name").search(name))


# ----------------------------------------------------------------------------- one clause


def _head_hits(clean: str, tokens: list[Token]) -> list[tuple[int, int, str, str]]:
    """Head nouns that close a noun phrase, with any stage suffix after them: (head start, name
    end, head, category). A head ends at a token end and no noun follows it (`中心城区`,
    `项目库`); a head inside a longer hit is dropped (`枢纽` in `…枢纽客运环线`)."""
    hits = []
    by_head, lengths = _head_index()
    starts = {t.start for t in tokens}
    for k, token in enumerate(tokens):
        end = token.end
        h = next((clean[end - n : end] for n in lengths if n <= end and clean[end - n : end] in by_head), None)
        if h is None:
            continue
        cat = by_head[h]
        if len(token.text) > len(h):
            prefix = token.text[: len(token.text) - len(h)] if token.text.endswith(h) else ""
            common = _frequency(token.text) >= rules()["specific_frequency"]["any"] and token.text not in _places()
            if common or prefix in _generic_words() or prefix in _stop_words():
                continue
        name_end = end
        suffix = re.match(f"(?:{rules()['suffix_pattern']})+", clean[end:])
        if suffix:
            name_end = end + suffix.end()
        follow = tokens[k + 1 + _skip(tokens, k, name_end)] if name_end in starts and name_end < len(clean) else None
        if follow is not None and follow.pos in NOUN_POS and not _pattern("right_context").match(clean[name_end:]) \
                and (h in GENERIC_HEADS or not _pattern("right_context_named_head").match(clean[name_end:])):
            continue
        hits.append((end - len(h), name_end, h, cat))
    by_span: dict[tuple[int, int], tuple] = {}
    for x in hits:  # the same span reached as `城市更新`+`项目` and as `城市更新项目`: keep the longer head
        if (x[0], x[1]) not in by_span or len(x[2]) > len(by_span[(x[0], x[1])][2]):
            by_span[(x[0], x[1])] = x
    hits = list(by_span.values())
    return sorted(x for x in hits if not any(y != x and y[0] <= x[0] and x[1] <= y[1] for y in hits))


def _skip(tokens: list[Token], k: int, at: int) -> int:
    """How many tokens after token k end before `at` (the stage suffix after a head)."""
    n = 0
    while k + 1 + n < len(tokens) and tokens[k + 1 + n].start < at:
        n += 1
    return n


def _own_head(word: str) -> bool:
    """Whether a word ends in a specific head noun (`码头`, not `项目`): a name of its own."""
    by_head, lengths = _head_index()
    return any(n <= len(word) and word[-n:] in by_head and word[-n:] not in GENERIC_HEADS for n in lengths)


def _capacities(clean: str) -> list[re.Match]:
    """Numbers with a measure unit (`8万吨`, `2×100万千瓦`): capacities a name may hold."""
    return list(re.finditer("(?<![0-9.])" + rules()["capacity"].lstrip("^"), clean))


def _token_index(tokens: list[Token], at: int) -> int | None:
    return next((i for i, t in enumerate(tokens) if t.start <= at < t.end), None)


def _left_edge(clean: str, tokens: list[Token], at: int, conjunct_checked: bool = False) -> int:
    """Where a name whose head starts at `at` begins, walking left over tokens."""
    # inside an open quote, the name does not reach past the quote
    q = clean.rfind("“", 0, at)
    floor = q if q >= 0 and clean.rfind("”", q, at) < 0 and not any(c in DELIMS for c in clean[q:at]) else -1
    j = _token_index(tokens, at)
    if j is None:
        return at
    # the token holding the head start may begin before it (`社区卫生`+`服务中心`): take it
    # whole, unless what comes before the head is a verb (`抓项目`)
    prefix = clean[tokens[j].start : at]
    if prefix and (prefix in _stop_words() or _pattern("left_verbs").fullmatch(prefix)):
        return at
    start, i, verbs = tokens[j].start, j - 1, 0
    capacities = [m.span() for m in _capacities(clean) if m.end() <= at]
    over = None  # where the name began when it reached the verb limit
    while i >= 0:
        t = tokens[i]
        if t.start <= floor:
            return floor if start == floor + 1 else start
        span = next(((x, y) for x, y in capacities if x <= t.start < y), None)
        if span is not None and i + 1 < len(tokens) and tokens[i + 1].start >= span[1]:
            # a capacity inside the name (`30万箱`, `2×100万千瓦`): step over it whole
            start, i = span[0], (_token_index(tokens, span[0]) or 0) - 1
            continue
        if t.text == "至" and i > 0 and is_specific(tokens[i - 1]) and i + 1 < len(tokens) and is_specific(tokens[i + 1]):
            start, i = t.start, i - 1  # a section between two places: 郴州至桂阳段
            continue
        if t.text in ("”", ")", "）"):
            opener = {"”": "“", ")": "(", "）": "（"}[t.text]
            o = clean.rfind(opener, 0, t.start)
            if o < 0 or t.start - o > 20 or any(c in DELIMS for c in clean[o:t.start]):
                break
            start, i = o, (_token_index(tokens, o) or 0) - 1
            continue
        # a one-character function word between two parts of a name: 泰康之家, 新城吾悦
        glue = (t.text == "之" or len(t.text) == 1 and t.pos in ("r", "vg")) and i > 0 \
            and re.search(f"[{HAN_BASIC}]", tokens[i - 1].text) and is_specific(tokens[i - 1])
        if t.text == "·" or glue or (t.text in ("+", "-") and i > 0 and re.search(r"[0-9A-Za-z路街]$", tokens[i - 1].text)):
            start, i = t.start, i - 1
            continue
        if t.text in DELIMS or not re.search(f"[{HAN_BASIC}0-9A-Za-z]", t.text):
            break
        if t.text in CONJUNCTIONS and not conjunct_checked:
            # `A及B项目` is one name when A is specific and is not a name of its own
            left = _left_edge(clean, tokens, t.start, conjunct_checked=True)
            if left < t.start and head_of(clean[left : t.start]) is None and _specific(clean, tokens, left, t.start) \
                    and not any(_own_head(x.text) for x in tokens[:i] if left <= x.start and x.end < t.start):
                start = left
            break
        if t.text in _stop_words() or (_pattern("left_verbs").search(t.text) and t.pos != "ns"):
            break
        if t.pos in STOP_POS and not is_specific(t):
            break
        if COUNT.match(t.text) and re.match(CLASSIFIER, clean[t.end:]):
            break
        if re.fullmatch(CLASSIFIER, t.text) and i > 0 and COUNT.match(tokens[i - 1].text):
            break
        if t.pos == "m" and re.fullmatch(r"[0-9]+" + CLASSIFIER, t.text):
            break
        if t.pos.startswith("v"):
            verbs += 1
            if verbs > limit(RULES, "max_verbs") and over is None:
                over = start
        start, i = t.start, i - 1
    # more verbs than a name holds, unless the name opens with an administrative place name
    # (`兰州市城关区地质灾害治理搬迁避让安置点`)
    if over is not None:
        first = _token_index(tokens, start)
        if first is None or tokens[first].text not in _places():
            return over
    return start


def _items(clean: str, tokens: list[Token], end: int) -> list[tuple[int, int]]:
    """The enumeration items `A、B以及C` ending at `end` (right before 等)."""
    items, stop = [], end
    while True:
        a = _left_edge(clean, tokens, stop)
        if a >= stop:
            break
        k = _token_index(tokens, a - 1) if a > 0 else None
        bounded = k is None or clean[a - 1] in DELIMS | {"“", "”"} or tokens[k].text in _stop_words() or tokens[k].text in CONJUNCTIONS \
            or _pattern("left_verbs").search(tokens[k].text) or tokens[k].pos in ("p", "v")
        if not bounded:
            break
        items.append((a, stop))
        joiner = re.search(r"(、|以及|及|和|与)$", clean[:a])
        if joiner and a - len(joiner.group(0)) > 0 and clean[a - len(joiner.group(0)) - 1] not in DELIMS:
            stop = a - len(joiner.group(0))
            continue
        break
    return list(reversed(items))


def _etc_positions(tokens: list[Token]) -> list[int]:
    """Where 等 closes an enumeration: a token of its own, or glued by jieba to the end of a word its
    dictionary lacks (`京通易购等` -> 购等), never inside a word (高等, 等级)."""
    out = []
    for t in tokens:
        if t.text in ("等", "等等"):
            out.append(t.start)
        elif len(t.text) > 1 and t.text.endswith("等") and not _frequency(t.text):
            out.append(t.end - 1)
    return out


def _listed_items(clean: str, tokens: list[Token], end: int) -> list[tuple[int, int]]:
    """The items of an explicit list closed by 等 at `end` (`包括A、B和C等`), cut at 、 and at a
    conjunction whose both sides end in a head noun; [] when no list cue opens them."""
    cue = None
    for k in range((_token_index(tokens, end) or 0) - 1, -1, -1):
        t = tokens[k]
        if t.text in DELIMS - {"、"}:
            break
        joined = "".join(x.text for x in tokens[max(0, k - 1) : k + 1])
        if _pattern("list_cue").fullmatch(t.text) or _pattern("list_cue").fullmatch(joined):
            cue = t.end
            break
    if cue is None or cue >= end:
        return []
    items, a = [], cue
    for piece in clean[cue:end].split("、"):
        b = a + len(piece)
        parts = [(a, b)]
        m = re.search("(以及|及|和|与)", piece)
        if m and head_of(piece[: m.start()]) is not None and head_of(piece[m.end() :]) is not None:
            parts = [(a, a + m.start()), (a + m.end(), b)]
        items.extend((x, y) for x, y in parts if y - x >= 2)
        a = b + 1
    return items


def _specific(clean: str, tokens: list[Token], a: int, b: int) -> bool:
    """Whether clean[a:b] holds a specific token (digits, Latin letters and quotes count)."""
    if re.search(r"[0-9A-Za-z]|“[^”]+”", clean[a:b]):
        return True
    return any(is_specific(t) for t in tokens if a <= t.start < b)


def _enumerations(clean: str, tokens: list[Token], hits) -> tuple[dict, set]:
    """`A、B等N个HEAD`, `A、B等项目`, `A等道路建设`: one mention per item. Returns the mentions
    by span and the head hits the enumeration consumed."""
    found, used = {}, set()
    for e in _etc_positions(tokens):
        stop = next((k for k in range(e + 1, len(clean)) if clean[k] in DELIMS), len(clean))
        tail_hits = [x for x in hits if e < x[0] and x[1] <= stop]
        used.update(tail_hits)
        tail_hits = tail_hits[-1:]  # the head of the phrase after 等 is its last head noun
        kind = next((w for w in _kinds() if w in clean[e + 1 : stop]), None)
        listed = _listed_items(clean, tokens, e)
        if listed and (tail_hits or kind or 2 * sum(head_of(clean[a:b]) is not None for a, b in listed) > len(listed)):
            # an explicit list (`主要包括A、B、C等`): the items as written
            used.update(x for x in hits if listed[0][0] <= x[0] < e)
            # the category the phrase after 等 names (`等3个高速公路项目`), else each item's own
            named = [x[3] for x in hits if e < x[0] and x[1] <= stop and x[2] not in GENERIC_HEADS]
            cat = named[0] if named else _kinds().get(kind, "other") if kind else None
            for a, b in listed:
                own = head_of(clean[a:b])
                if own or _specific(clean, tokens, a, b):
                    found[(a, b)] = (clean[a:b], cat or (own[1] if own else "other"))
            continue
        if not tail_hits and not kind:
            continue
        shared = None
        if kind and (not tail_hits or clean.find(kind, e) < tail_hits[0][0]):
            tail_hits = []
        if tail_hits:
            hs, ne, head, cat = tail_hits[0]
            used.add(tail_hits[0])
            # a specific head right after the count is shared: 等5个消防站 -> A消防站, B消防站
            if len(head) >= 2 and not head.endswith(GENERIC_HEADS) and head not in _kinds() and re.fullmatch(COUNT_PHRASE, clean[e + 1 : hs]):
                shared = clean[hs:ne]
            elif head in GENERIC_HEADS:
                cat = _kinds().get(kind, "other") if kind else "other"
        else:
            cat = _kinds()[kind]
        for a, b in _items(clean, tokens, e):
            item = clean[a:b]
            own = head_of(item)
            parts = [t for t in tokens if a <= t.start < b]
            # an item of several uncommon words is a name even without a rare one (鼓楼湾)
            plain = len(parts) > 1 and not any(t.text in _generic_words() or t.text in _stop_words() for t in parts) \
                and any(_frequency(t.text) < rules()["specific_frequency"]["proper"] for t in parts)
            if not (own or plain or _specific(clean, tokens, a, b)):
                continue
            if own:
                found[(a, b)] = (item, own[1])
            elif shared:
                found[(a, b)] = (item + shared, cat)
            else:
                found[(a, b)] = (item, cat)
    return found, used


def candidate_clause(clean: str) -> bool:
    return _candidate_clause().search(clean) is not None


def names_in_clause(clean: str, words: list[str] | None = None) -> list[tuple[str, int, int, str]]:
    """(name as in `clean`, start, end, category) for one clause without whitespace:
    candidates from enumerations and head nouns, less rejected names, partners named as actors
    and names next to damaged text. `words`: the clause's jieba tokens, if already known."""
    if not _candidate_clause().search(clean):
        return []  # no head noun, 等 or quote: skip the part-of-speech tagging
    tokens = tag(clean, words)
    hits = _head_hits(clean, tokens)
    found, used = _enumerations(clean, tokens, hits)
    # right to left: a head's name may hold an earlier head (`…科技园10万平方米孵化楼项目`)
    for hit in sorted(hits, key=lambda x: -x[1]):
        if hit in used:
            continue
        hs, ne, head, cat = hit
        if _pattern("not_project_after").match(clean[ne:]):
            continue  # a place or a slogan, not a project: 九州大道以西
        before = _token_index(tokens, hs - 1) if hs > 0 else None
        if head in GENERIC_HEADS and before is not None and tokens[before].end == hs and tokens[before].text.endswith(tuple(rules()["generic_kind"])):
            continue  # a kind of project: 产业项目, 招商引资项目
        start = _left_edge(clean, tokens, hs)
        q = clean.rfind("“", 0, hs)
        if clean[ne : ne + 1] == "”" and q >= 0 and "”" not in clean[q:hs] and not any(c in DELIMS for c in clean[q:hs]):
            start, ne = q, ne + 1  # a quoted name is a name as a whole: “均和云谷·太原智能电机港”
        if any(a <= start < b or a < ne <= b for a, b in found):
            continue
        if not _specific(clean, tokens, start, hs if hs > start else ne) or len(normalise_name(clean[start:ne])) < 3:
            continue
        name = clean[start:ne]
        single = [t for t in tokens if start <= t.start < ne]
        if _strip_suffix(name) in dict(_heads()) or (len(single) == 1 and (single[0].pos == "ns" or name in _places())):
            continue
        lead = re.match(rules()["strip_prefix"], name)
        first = next((t for t in tokens if t.start == start), None)
        if lead is None and first is not None and not _frequency(first.text) and first.text not in _places():
            lead = re.match(rules()["strip_prefix_glued"], name)
        if lead and len(name) - lead.end() >= 3:  # `主要有A`: the introducing words are not the name
            start, name = start + lead.end(), name[lead.end():]
        found[(start, ne)] = (name, cat)
        # `学府、龙城社区卫生服务中心`: a short bare item right before takes the same suffix,
        # cut at the word boundary that matches the item's length
        if start > 1 and clean[start - 1] == "、":
            p = _left_edge(clean, tokens, start - 1)
            prev = clean[p : start - 1]
            cut = start + len(prev)
            if (2 <= len(prev) <= 4 and head_of(prev) is None and ne - cut >= 3 and cut <= hs
                    and any(t.start == cut for t in tokens) and re.fullmatch(f"[{HAN_BASIC}]+", prev)):
                found[(p, start - 1)] = (prev + clean[cut:ne], cat)
    spans = sorted(found)
    inner = {x for x in spans for y in spans if y != x and y[0] <= x[0] and x[1] <= y[1]}
    actors = [m.span(1) for m in _pattern("actor_context").finditer(clean)]
    out = []
    for (a, b), (name, cat) in sorted(found.items()):
        if (a, b) in inner or is_rejected(normalise_name(name)) or any(x <= a and b <= y for x, y in actors):
            continue
        # a damaged stretch (U+FFFD) in the same comma piece: the name's extent is unknown
        piece = re.split(r"[,，;；]", clean[:a])[-1] + clean[a:b] + re.split(r"[,，;；]", clean[b:])[0]
        if MARK in piece:
            continue
        out.append((name, a, b, cat))
    return out


