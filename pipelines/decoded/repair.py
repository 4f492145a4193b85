"""Repairs of damaged web copies of reports, each a small named rule with a counter.

The damage model (docs/decisions.md, measured on real mirrors): a byte-level pinyin annotator
inserted `(pīnyīn)` after Traditional characters, sometimes between the two bytes of a GBK
character, which a decoder then turned into `?` plus orphan fragments; a mirror inserted `,`
before real marks; scraped pages repeat the title line in a desynchronised copy.
Rules run on the source-script text, before Traditional -> Simplified.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..chars import HAN, MARK, fold_width, is_han
from ..rules import DATA
from .script import traditional_only_chars


TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYL = rf"[a-zü]{{0,5}}[{TONED}][a-zü]{{0,4}}"

#: `區(qū)`: one toned syllable in ASCII parentheses straight after a Han character
PINYIN_ANNOTATION = re.compile(rf"(?<=[{HAN}])\(({_SYL})\)")
#: `?fàn)`: a `?` left by a broken GBK pair followed by an orphan annotation fragment
ORPHAN_SITE = re.compile(rf"\?({_SYL})\)")
#: `?、` / `?;`: a `?` after a non-ASCII character, before clause punctuation (a lost lead byte)
LOST_LEAD = re.compile(r"(?<=[^\x00-\x7f)])\?(?=[、;；。，,:：])")
#: `c(diǎn)`: an annotation glued to a Latin letter (a trail byte in the ASCII range)
GLUED_ANNOTATION = re.compile(rf"[A-Za-z]\(({_SYL})\)")
#: `,,` `,。` `,、` `,;`: a comma inserted before a real mark
DOUBLED_COMMA = re.compile(r",(?=[,，。、;；:：!！?？])")
#: private-use, box-drawing and replacement characters never occur in real report text
CORRUPT_CHAR = re.compile(r"[\ue000-\uf8ff\u2500-\u257f\ufffd]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")



@dataclass
class RepairLog:
    pinyin: int = 0
    mojibake: int = 0  # characters restored from the pinyin checksum
    punctuation: int = 0
    dropped_lines: int = 0
    invisible: int = 0
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    lines = (DATA / "pinyin_syllables.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("v", "ü")


def is_syllable(toned: str) -> bool:
    return toneless(toned) in syllables()


def remove_invisible(text: str, log: RepairLog) -> str:
    """Zero-width spaces, joiners, soft hyphens and stray BOMs; CRLF and CR line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    new, n = INVISIBLE.subn("", text)
    log.invisible += n
    return new


def remove_pinyin_annotations(text: str, log: RepairLog) -> str:
    def repl(m: re.Match) -> str:
        if is_syllable(m.group(1)):
            log.pinyin += 1
            return ""
        return m.group(0)

    return PINYIN_ANNOTATION.sub(repl, text)


# --- the pinyin checksum: restore a character broken by an annotation inserted mid-character ---


@lru_cache(maxsize=4096)
def _readings(ch: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    return frozenset(pinyin(ch, heteronym=True, style=Style.TONE, errors="ignore")[0] if ch else [])


def _gbk(ch: str) -> bytes | None:
    try:
        b = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


def _decode_pair(lead: int, trail: int) -> str | None:
    try:
        ch = bytes([lead, trail]).decode("gbk")
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 and is_han(ch) else None


def _lost_leads(prev: str, straddle_reading: str) -> list[int]:
    """Lead bytes L such that (trail of prev, L) is a Traditional character read `straddle_reading`."""
    prev_bytes = _gbk(prev)
    if not prev_bytes:
        return []
    trad = traditional_only_chars()
    leads = []
    for lead in range(0x40, 0xFF):
        ch = _decode_pair(prev_bytes[1], lead)
        if ch and ch in trad and straddle_reading in _readings(ch):
            leads.append(lead)
    return leads


def restore_by_checksum(prev: str, straddle_reading: str, trail_char: str | None, own_reading: str | None) -> str | None:
    """The broken character, when the inserted pinyin pins it down to exactly one candidate.

    `trail_char`: an ASCII letter that followed the fragment (the character's trail byte);
    `own_reading`: the character's own annotation when it survived as `?reading)`.
    """
    candidates = set()
    for lead in _lost_leads(prev, straddle_reading):
        if trail_char is not None:
            ch = _decode_pair(lead, ord(trail_char))
            if ch:
                candidates.add(ch)
        elif own_reading is not None:
            for trail in range(0x40, 0xFF):
                ch = _decode_pair(lead, trail)
                if ch and own_reading in _readings(ch):
                    candidates.add(ch)
    return candidates.pop() if len(candidates) == 1 else None


_CHECKSUM_SITE = re.compile(rf"\?({_SYL})\)(?:([\x40-\x7e])(?![A-Za-z])|\?({_SYL})\))?")


def restore_checksum_sites(text: str, log: RepairLog) -> str:
    def repl(m: re.Match) -> str:
        start = m.start()
        prev = text[start - 1] if start else ""
        trail, own = m.group(2), m.group(3)
        if trail is None and own is None:
            return m.group(0)
        ch = restore_by_checksum(prev, m.group(1), trail, own)
        if ch is None:
            return m.group(0)
        log.mojibake += 1
        log.notes.append(f"restored {ch!r} after {prev!r} from {m.group(0)!r}")
        return ch

    return _CHECKSUM_SITE.sub(repl, text)


def mark_corruption(text: str) -> str:
    """Replace every remaining corruption signal with U+FFFD, which extraction skips."""
    text = ORPHAN_SITE.sub(MARK, text)
    text = GLUED_ANNOTATION.sub(MARK, text)
    text = LOST_LEAD.sub(MARK, text)
    text = CORRUPT_CHAR.sub(MARK, text)
    # Between two marks a few characters apart, a decoder was out of step: mark those too.
    return re.sub(rf"(?<={MARK})[^\s{MARK}、，,。;；:：!！?？“”]{{1,6}}(?={MARK})", lambda m: MARK * len(m.group(0)), text)


def has_corruption_signal(line: str) -> bool:
    return bool(CORRUPT_CHAR.search(line) or ORPHAN_SITE.search(line) or LOST_LEAD.search(line))


def _common_suffix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        n += 1
    return n


def drop_corrupt_duplicate_lines(text: str, log: RepairLog, window: int = 3, share: float = 0.6) -> str:
    """Drop a corrupted line when one of the next lines is a clean copy of it (a scraped
    `<title>` followed by the same text in `<h1>`): they share a long common suffix."""
    lines = text.split("\n")
    keep = []
    for i, line in enumerate(lines):
        if line.strip() and has_corruption_signal(line):
            following = [ln for ln in lines[i + 1 : i + 1 + window * 3] if ln.strip()][:window]
            if any(
                not has_corruption_signal(other) and _common_suffix(line.rstrip(), other.rstrip()) >= share * len(line.strip())
                for other in following
            ):
                log.dropped_lines += 1
                log.notes.append(f"dropped corrupted line {i + 1} (a clean copy follows)")
                continue
        keep.append(line)
    return "\n".join(keep)


def remove_doubled_commas(text: str, log: RepairLog) -> str:
    new, n = DOUBLED_COMMA.subn("", text)
    log.punctuation += n
    return new


def repair(text: str) -> tuple[str, RepairLog]:
    """All repairs in order. Returns the repaired source-script text and what was done."""
    log = RepairLog()
    text = remove_invisible(text, log)
    text = remove_pinyin_annotations(text, log)
    text = restore_checksum_sites(text, log)
    text = drop_corrupt_duplicate_lines(text, log)
    text = mark_corruption(text)
    text = remove_doubled_commas(text, log)
    text = fold_width(text)
    return text, log
