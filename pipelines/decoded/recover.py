"""Recovering characters whose bytes were partly destroyed, from what survives and the context.

Where a byte-level annotator put `(pinyin)` between the two bytes of a character, the decoder
swallowed the lead byte with the `(` into a `?`. What survives constrains the character: the
inserted reading is that of the character straddling the previous character's trail byte and
the lost lead byte; the trail byte may show as an ASCII-range letter straight after the
fragment (`?lú)Q`: Big5 A4 51 is 十), or the character's own annotation may follow (`?bāng)?dòng)`).
The candidates that fit these constraints, in GBK or Big5, are ranked by a word model of the
context: jieba's own dictionary (word frequencies, a unigram model over a segmentation of a few
characters either side), read in Simplified. A candidate is taken only when it clearly wins;
otherwise the site stays for the later rules, which mark it U+FFFD.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from ..chars import HAN, MARK, is_han
from .script import traditional_only_chars

#: codecs a damaged web copy went through (the superset codecs, as the decoder uses them)
CODECS = ("gb18030", "big5hkscs")
#: characters of context either side that the word model reads
CONTEXT = 4
#: the winner's log-probability must exceed the runner-up's by this much (a factor of ~50)
MARGIN = 4.0
#: log-probability of a character on its own above which it is common (about the 3,500 most
#: frequent characters of the dictionary, the size of the usual common-character lists)
COMMON = -12.0
#: longest dictionary word the model keeps (longer words add memory, not decisions)
_LONGEST = 4

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYL = rf"[a-zü{TONED}]{{1,7}}"
#: `?reading)` then the character's trail byte as an ASCII-range sign, or its own `?reading)`,
#: or a `?` where its trail byte (0x80 or above) met a byte that cannot follow it: a space or
#: line end, else a printable ASCII byte swallowed with it (that one is lost: U+FFFD)
SITE = re.compile(rf"\?({_SYL})[)）](?:([\x40-\x7e])(?![A-Za-z])|\?({_SYL})[)）]|\?(\s|$)?)")


# --- the word model ---


def _dictionary_path() -> Path:
    from importlib.util import find_spec

    return Path(find_spec("jieba").origin).parent / "dict.txt"  # found without importing jieba


@lru_cache(maxsize=1)
def word_model() -> tuple[dict[str, float], float]:
    """Log-probabilities of jieba's dictionary words of up to `_LONGEST` characters, and the
    log-probability given to a character the dictionary lacks (jieba's own convention)."""
    fields = _dictionary_path().read_text(encoding="utf-8").split()  # word, count, tag per line
    words, counts = fields[0::3], list(map(int, fields[1::3]))
    log_total = math.log(sum(counts))
    return {w: math.log(n) - log_total for w, n in zip(words, counts) if n > 0 and len(w) <= _LONGEST}, -log_total


def score(text: str) -> float:
    """Log-probability of the best segmentation of `text` into dictionary words."""
    logp, unknown = word_model()
    n = len(text)
    best = [0.0] + [-math.inf] * n
    for end in range(1, n + 1):
        for size in range(1, min(_LONGEST, end) + 1):
            word = text[end - size : end]
            p = logp.get(word)
            if p is None:
                if size > 1:
                    continue
                p = unknown
            cand = best[end - size] + p
            if cand > best[end]:
                best[end] = cand
    return best[n]


@lru_cache(maxsize=1)
def _traditional():
    import opencc

    return opencc.OpenCC("s2t").convert


@lru_cache(maxsize=1)
def _simplify():
    from .script import _converter

    return _converter().convert


@lru_cache(maxsize=65536)
def _simplified_char(ch: str) -> str:
    return _simplify()(ch)


def simplified(text: str) -> str:
    """`text` in Simplified character by character: phrase-level conversion changes little for
    scoring a few characters, and each OpenCC call costs about a millisecond."""
    return "".join(map(_simplified_char, text))


def choose(left: str, candidates: set[str], right: str, margin: float = MARGIN) -> str | None:
    """The candidate that the context makes clearly most likely, or None. The context is read in
    Simplified (the dictionary's script), character by character. A Han winner must
    also make a dictionary word with a neighbour or be a common character on its own: one
    candidate alone proves nothing (a rare character is likelier a wrong byte pair)."""
    if not candidates:
        return None
    left, right = simplified(left[-CONTEXT:]), simplified(right[:CONTEXT])
    logp, unknown = word_model()
    apart = score(left) + score(right)
    # the sides a candidate may make a word of two to four characters with
    sides = [(left[len(left) - a :], right[:b]) for a in range(min(3, len(left)) + 1)
             for b in range(min(3 - a, len(right)) + 1) if a + b]

    in_words = _word_chars()

    def in_word(simple: str) -> bool:
        return simple in in_words and any(before + simple + after in logp for before, after in sides)

    def scored_as(c: str) -> float:
        simple = _simplified_char(c)
        if in_word(simple):
            return score(left + simple + right)
        # in no word: a word on its own, and the two sides segmented apart (same as the full
        # segmentation, a few times cheaper over the hundreds of candidates a lost byte leaves)
        return apart + logp.get(simple, unknown)

    scored = sorted(((scored_as(c), c) for c in sorted(candidates)), reverse=True)
    (best, winner) = scored[0]
    if len(scored) > 1 and best - scored[1][0] < margin:
        return None
    simple = _simplified_char(winner)
    if is_han(winner) and not in_word(simple) and logp.get(simple, -math.inf) < COMMON:
        return None
    return winner


@lru_cache(maxsize=1)
def _word_chars() -> frozenset[str]:
    """Characters found in some dictionary word of two or more characters (most of the rare
    characters a lost byte leaves as candidates are in none: no lookups for them)."""
    logp, _ = word_model()
    return frozenset("".join(w for w in logp if len(w) > 1))


# --- the byte constraints ---


def _encode(ch: str, codec: str) -> bytes | None:
    try:
        b = ch.encode(codec)
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


@lru_cache(maxsize=131072)
def _pair(codec: str, lead: int, trail: int) -> str | None:
    try:
        ch = bytes([lead, trail]).decode(codec)
    except UnicodeDecodeError:
        return None
    if len(ch) != 1 or 0xE000 <= ord(ch) <= 0xF8FF or ch.isspace() or not ch.isprintable():
        return None
    return ch  # Han, or a full-width mark (“ ” 、 。 are double-byte too)


@lru_cache(maxsize=8192)
def readings(ch: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    found = pinyin(ch, heteronym=True, style=Style.TONE, errors="ignore")
    return frozenset(found[0] if found and found[0] else [])


_BYTES = range(0x40, 0xFF)


def lost_leads(prev: str, straddle: str, codec: str) -> list[int]:
    """Lead bytes L such that (trail byte of `prev`, L) is a character read `straddle`:
    Traditional-only characters first (the annotator's lists hold those), any Han if none is."""
    prev_bytes = _encode(prev, codec)
    if not prev_bytes:
        return []
    found = [(lead, ch) for lead in range(0x81, 0xFF) if (ch := _pair(codec, prev_bytes[1], lead)) and straddle in readings(ch)]
    trad = traditional_only_chars()
    preferred = [lead for lead, ch in found if ch in trad]
    return preferred or [lead for lead, _ in found]


def candidates(prev: str, straddle: str, trail: int | None, own: str | None, codecs=CODECS) -> set[str]:
    """Characters fitting the surviving bytes and readings in any of `codecs`: the lead byte from
    the straddling character's reading, the trail byte when it survived, else the own reading,
    else any trail byte from 0x80 (one below would have shown as ASCII)."""
    out: set[str] = set()
    for codec in codecs:
        for lead in lost_leads(prev, straddle, codec):
            if trail is not None:
                ch = _pair(codec, lead, trail)
                if ch:
                    out.add(ch)
            elif own is not None:
                out.update(ch for t in _BYTES if (ch := _pair(codec, lead, t)) and own in readings(ch))
            else:
                out.update(ch for t in range(0x80, 0xFF) if (ch := _pair(codec, lead, t)))
    return out


def restore(prev: str, straddle: str, trail: int | None, own: str | None, left: str, right: str, codecs=CODECS) -> str | None:
    """The broken character, when its constraints and the context settle it."""
    return choose(left, candidates(prev, straddle, trail, own, codecs), right)


def with_lead(lead: int, codec: str) -> set[str]:
    """Every Han character whose lead byte in `codec` is `lead` (its trail byte was lost)."""
    return {ch for t in _BYTES if (ch := _pair(codec, lead, t))}


def own_candidates(lead: int, own: str, codec: str) -> set[str]:
    """Characters with lead byte `lead` read `own` (the trail byte was lost, the reading kept)."""
    return {ch for ch in with_lead(lead, codec) if own in readings(ch)}


#: `\x00` + the lead byte in hex: a character whose trail byte was lost where a full-width
#: annotation stood inside it (written so by the re-read); `\x00` alone: nothing survived
LOST_TRAIL = re.compile(r"\x00([0-9A-F]{2})?")


def fill_lost_trails(text: str, codec: str) -> str:
    """Each lost trail byte: the character the context settles among those with its lead byte,
    else U+FFFD."""
    if "\x00" not in text:
        return text

    def repl(m: re.Match) -> str:
        if m.group(1) is None:
            return MARK
        found = with_lead(int(m.group(1), 16), codec)
        left, right = text[max(0, m.start() - 2 * CONTEXT) : m.start()], _context_after(text, m.end())
        return choose(left.replace("\x00", ""), found, right.replace("\x00", "")) or MARK

    return LOST_TRAIL.sub(repl, text)


def recover_sites(text: str, notes: list[str]) -> tuple[str, int]:
    """Each `?reading)` site with its trail byte or own reading, replaced by the character the
    constraints and the context settle. Returns the text and the count of restored characters."""
    restored = 0
    out: list[str] = []
    pos = 0
    for m in SITE.finditer(text):
        start = m.start()
        if start == 0 or not is_han(text[start - 1]):
            continue
        straddle, trail, own = m.group(1), m.group(2), m.group(3)
        found = candidates(text[start - 1], straddle, ord(trail) if trail else None, own)
        left = text[max(0, start - 2 * CONTEXT) : start]
        right = _context_after(text, m.end())
        ch = choose(left, found, right)
        if ch is None:
            continue
        out.append(text[pos:start])
        out.append(ch)
        pos = m.end()
        if trail is None and own is None:
            if m.group(4):  # the space or line end stays; else a printable byte went with the `?`
                pos -= len(m.group(4))
            elif m.end() < len(text):
                out.append(MARK)
        restored += 1
        notes.append(f"recovered {ch!r} after {text[start - 1]!r} from {m.group(0)!r} ({len(found)} candidates)")
    out.append(text[pos:])
    return "".join(out), restored


#: an annotation left in the context: read past it, as the annotator's copy had none
_ANNOTATION = re.compile(rf"[(（]{_SYL}[)）]")


def _context_after(text: str, end: int) -> str:
    return _ANNOTATION.sub("", text[end : end + 6 * CONTEXT])[: CONTEXT]



# --- a lost character with nothing of its bytes left: the words of the dictionary decide ---

#: characters standing in for a lost character without any surviving byte: the clear winner
#: must be far ahead (a factor of ~400), as every Han character is a candidate
FREE_MARGIN = 6.0
#: a lone U+FFFD between two Han characters (a run of marks is a stretch read out of step)
LONE_MARK = re.compile(rf"(?<=[{HAN}]){MARK}(?=[{HAN}])")


@lru_cache(maxsize=1)
def _word_lines() -> tuple[dict[str, str], dict[str, str]]:
    """The dictionary's Han words of two to four characters, one a line, grouped by their first
    and by their second character (so a lookup scans a few hundred words, not all)."""
    logp, _ = word_model()
    by_first: dict[str, list[str]] = {}
    by_second: dict[str, list[str]] = {}
    for w in logp:
        if 2 <= len(w) <= _LONGEST and all(is_han(c) for c in w):
            by_first.setdefault(w[0], []).append(w)
            by_second.setdefault(w[1], []).append(w)
    return ({c: "\n".join(ws) for c, ws in by_first.items()}, {c: "\n".join(ws) for c, ws in by_second.items()})


def word_fillers(left: str, right: str) -> set[str]:
    """Characters that make a dictionary word with the characters around the gap (Simplified)."""
    by_first, by_second = _word_lines()
    out: set[str] = set()
    for n_left in range(0, min(3, len(left)) + 1):
        for n_right in range(0, min(3 - n_left, len(right)) + 1):
            if n_left + n_right == 0:
                continue
            before = left[len(left) - n_left :]
            words = by_first.get(before[0], "") if before else by_second.get(right[0], "")
            # the groups hold Han words only: `.` is a Han character (and compiles fast)
            pattern = "^" + re.escape(before) + "(.)" + re.escape(right[:n_right]) + "$"
            out.update(re.findall(pattern, words, flags=re.M))
    return out


def fill_lone_marks(text: str, notes: list[str]) -> tuple[str, int]:
    """Each lone U+FFFD between Han characters: the character that the dictionary's words and
    frequencies make far more likely than any other, else the mark stays."""
    if MARK not in text:
        return text, 0
    convert = simplified
    filled = 0
    text_is_traditional = any(c in traditional_only_chars() for c in text[:2000])

    def repl(m: re.Match) -> str:
        nonlocal filled
        left = convert(_han_tail(text[max(0, m.start() - CONTEXT) : m.start()]))
        right = convert(_han_head(text[m.end() : m.end() + CONTEXT]))
        found = word_fillers(left, right)
        # the mark itself competes (a character the dictionary lacks): a filler must beat it too
        ch = choose(left, found | {MARK}, right, FREE_MARGIN) if found else None
        if ch is None or ch == MARK:
            return m.group(0)
        if text_is_traditional:
            ch = _traditional()(ch)
        filled += 1
        notes.append(f"filled a lost character between {left!r} and {right!r} with {ch!r} ({len(found)} candidates)")
        return ch

    return LONE_MARK.sub(repl, text), filled


def _han_tail(s: str) -> str:
    m = re.search(rf"[{HAN}]*$", s)
    return m.group(0)


def _han_head(s: str) -> str:
    return re.match(rf"[{HAN}]*", s).group(0)


_HAN_RUN = re.compile(f"[{HAN}]{{2,}}")


def plausible(stretch: str) -> bool:
    """Whether every run of two or more Han characters in `stretch` holds a dictionary word: a
    stretch re-read across bytes that were dropped (private-use pairs) reads as unrelated single
    characters (`拾扔` for `施“三河`)."""
    logp, _ = word_model()
    for run in _HAN_RUN.findall(simplified(stretch)):
        if not any(run[i : i + n] in logp for n in range(2, _LONGEST + 1) for i in range(len(run) - n + 1)):
            return False
    return True
