"""Repairs of damaged web copies of reports, each a small named rule with a counter.

The damage model (docs/decisions.md, measured on real mirrors): a byte-level pinyin annotator
inserted `(pīnyīn)` after Traditional characters, sometimes between the two bytes of a GBK
character, which a decoder then turned into `?` plus orphan fragments; a mirror inserted `,`
before real marks; scraped pages repeat the title line in a desynchronised copy.
Rules run on the source-script text, before Traditional -> Simplified.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..chars import HAN, MARK, fold_width, is_han
from ..rules import DATA
from . import recover
from .recover import recover_sites
from .script import traditional_only_chars


TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYL = rf"[a-zü]{{0,5}}[{TONED}][a-zü]{{0,4}}"
#: a toned or neutral-tone (toneless) syllable; which ones are real is checked in code
_ANY_SYL = rf"[a-zü{TONED}]{{1,7}}"
#: annotations are published in ASCII or full-width brackets (`區(qū)`, `區（qū）`)
_OPEN, _CLOSE = "[(（]", "[)）]"

#: `區(qū)` `區（qū）` `們(men)`: one syllable in brackets straight after a Han character
PINYIN_ANNOTATION = re.compile(rf"(?<=[{HAN}]){_OPEN}({_ANY_SYL}){_CLOSE}")
#: `?fàn)` `?men)`: a `?` left by a broken GBK pair followed by an orphan annotation fragment
ORPHAN_SITE = re.compile(rf"\?({_ANY_SYL}){_CLOSE}")
#: `?、` / `?;`: a `?` after a non-ASCII character, before clause punctuation (a lost lead byte)
LOST_LEAD = re.compile(r"(?<=[^\x00-\x7f)])\?(?=[、;；。，,:：])")
#: `shì)?`: a `?` straight after the closing bracket of a syllable: the trail byte of a broken
#: character read with the next byte
AFTER_FRAGMENT = re.compile(rf"(?<=[a-zü{TONED}]{_CLOSE})\?")
#: `c(diǎn)` `[(yǐn)`: an annotation glued to a letter or sign that a trail byte in the ASCII
#: range (0x40-0x7E) decodes to
GLUED_ANNOTATION = re.compile(rf"[\x40-\x7e]{_OPEN}({_SYL}){_CLOSE}")
#: `,,` `,。` `,、` `,;`: a comma inserted before a real mark
DOUBLED_COMMA = re.compile(r",(?=[,，。、;；:：!！?？])")
#: private-use, box-drawing and replacement characters never occur in real report text, except
#: a run of horizontal box-drawing lines standing for a dash (`1──7月`), matched first and kept
CORRUPT_CHAR = re.compile(r"[\u2500\u2501]{2,}|[\ue000-\uf8ff\u2500-\u257f\ufffd]")
#: control and format characters: C0 controls but tab, line feed and form feed (the page break),
#: DEL and C1 controls, the soft hyphen, zero-width spaces and joiners, bidirectional marks,
#: embeddings, overrides and isolates, word joiner and invisible operators, BOMs inside the text,
#: interlinear annotation marks and tag characters. None is text; some hide or reorder a figure
#: next to them (`增长\u200e6.5%`, `1\u200b23亿元`), some break lines where a reader sees none.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]")
#: the Unicode line and paragraph separators: line ends
LINE_SEPARATOR = re.compile("[\u2028\u2029]")


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
    """Control and format characters removed (counted), Unicode line separators made line feeds
    (counted); CRLF and CR line ends. Runs first, so every offset refers to the cleaned text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, lines = LINE_SEPARATOR.subn("\n", text)
    new, n = INVISIBLE.subn("", text)
    log.invisible += n + lines
    return new


def is_toned(syllable: str) -> bool:
    return any(c in TONED for c in syllable)


@lru_cache(maxsize=8192)
def is_annotation(char: str, syllable: str) -> bool:
    """A toned syllable of the inventory; a toneless one only when it is a neutral-tone reading
    of the character before it (`們(men)`, `的(de)`), so `设施(e)` or `(pm)` stay."""
    if is_toned(syllable):
        return is_syllable(syllable)
    return syllable in syllables() and syllable in _readings(char)


def remove_pinyin_annotations(text: str, log: RepairLog) -> str:
    def repl(m: re.Match) -> str:
        if is_annotation(text[m.start() - 1], m.group(1)):
            log.pinyin += 1
            return ""
        return m.group(0)

    return PINYIN_ANNOTATION.sub(repl, text)


# --- readings and GBK pairs (the checksum itself, restoring a broken character, is in recover.py) ---


@lru_cache(maxsize=4096)
def _readings(ch: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    found = pinyin(ch, heteronym=True, style=Style.TONE, errors="ignore") if ch else []
    return frozenset(found[0] if found else [])  # a character without a reading has none


def _gbk(ch: str) -> bytes | None:
    try:
        b = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


@lru_cache(maxsize=65536)
def _decode_pair(lead: int, trail: int) -> str | None:
    try:
        ch = bytes([lead, trail]).decode("gbk")
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 and is_han(ch) else None


# --- resynchronising a line after an annotation inserted inside a character ---

#: a toned syllable (or its tail) and a closing bracket with no opening bracket before it: what
#: is left of an annotation whose opening bracket was swallowed by a broken character
FRAGMENT = re.compile(rf"(?<![(（A-Za-zü{TONED}])([a-zü]*[{TONED}][a-zü]*){_CLOSE}")
#: a line worth re-reading: a tone-marked letter left after the annotations went, or an orphan
#: site (each starting with a class or a literal, which the regex engine scans fast)
_SITE_HINT = re.compile(rf"[{TONED}]|\?[a-zü]{{1,7}}{_CLOSE}|\][a-zü]{{1,7}}{_CLOSE}")
_RESYNC_CODECS = ("gb18030", "big5hkscs")
_CHARREF = re.compile(r"&#(\d+);")


@lru_cache(maxsize=1)
def _syllable_tails() -> frozenset[str]:
    return frozenset(s[i:] for s in syllables() for i in range(len(s)))


@lru_cache(maxsize=2)
def _site_patterns(codec: str) -> tuple[re.Pattern, re.Pattern]:
    """Byte patterns of a full-width annotation at any offset (with the lead byte before it and
    a `?` after it when the broken character's trail byte was lost too), and of a `?` left where
    a lead byte swallowed the `(` of a half-width annotation (optionally followed by a second one,
    the broken character's own annotation, its trail byte swallowed the same way)."""
    letters = b"|".join(re.escape(c.encode(codec)) for c in TONED + "ü") + b"|[a-z]"
    syl = b"(?:" + letters + b"){1,7}"
    opening, closing = re.escape("（".encode(codec)), re.escape("）".encode(codec))
    full = re.compile(rb"([\x81-\xfe](?=" + opening + rb"))?" + opening + b"(" + syl + b")" + closing + rb"(\?)?")
    half = re.compile(rb"\?(" + syl + rb")\)(?:\?(" + syl + rb")\))?")
    return full, half


_LOST = b"\x00"  # where a broken character's bytes are lost: becomes U+FFFD


def _strict_decode(data: bytes, codec: str, lost_trails: bool = True, leads: bool = False) -> str | None:
    """Strict decoding, except that a lead byte whose trail was lost (read as `?`, or the end of
    the data) is one U+FFFD (with `leads`: NUL and the lead byte in hex, for the recovery);
    None when anything else does not decode."""
    out, pos = [], 0
    while True:
        try:
            out.append(data[pos:].decode(codec))
            return "".join(out)
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
            out.append(data[pos:bad].decode(codec))
            if not lost_trails or data[bad] < 0x81 or (bad + 1 < len(data) and data[bad + 1] != 0x3F):
                return None
            out.append("\x00%02X" % data[bad] if leads else MARK)
            if leads and bad + 2 < len(data) and data[bad + 2] >= 0x21:
                out.append(MARK)  # a printable byte went with the lost trail into the `?`: lost
            pos = bad + 2


@lru_cache(maxsize=65536)
def _common(ch: str) -> bool:
    """ASCII, or a character (in Simplified form) of GB2312 level 1 or its punctuation rows:
    real text is mostly these, a stretch decoded out of step mostly is not."""
    if ch < "\x80":
        return True
    if ch in traditional_only_chars():
        from .script import _converter

        ch = _converter().convert(ch)
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and (0xB0 <= b[0] <= 0xD7 or b[0] in (0xA1, 0xA3))


def _common_share(text: str) -> float:
    chars = [c for c in text if not c.isspace() and c != MARK]
    return sum(map(_common, chars)) / max(1, len(chars))


def own_site_char(lead: int, own: str, codec: str) -> str:
    """A placeholder of a common character for comparing the two readings of a stretch."""
    found = recover.own_candidates(lead, own, codec)
    return min(found) if found else MARK


def recover_own(parts: list[bytes], data: bytes, m: re.Match, codec: str) -> str:
    """The character whose lead byte ended the previous part and whose own annotation is `m`."""
    lead = data[m.start() - 1]
    left = _strict_decode(parts[-1], codec) or ""
    right = data[m.end() : m.end() + 16].decode(codec, errors="ignore")
    own = m.group(1).decode(codec, errors="replace")
    return recover.choose(left, recover.own_candidates(lead, own, codec), right) or MARK


def _resync_line(line: str, codec: str) -> str | None:
    """The line re-read from its bytes with the inserted annotations taken out. A full-width
    annotation inside a character is removed byte-exactly. At a `?` site the broken character is
    lost (U+FFFD); the byte after the fragment is its trail byte when the annotation was inserted
    inside it (then the rest was read out of step), or already the next character: of the two
    readings the one giving more common characters wins, the trail reading only when it decodes
    cleanly or its lost bytes are settled by context (recover.py: the inserted reading pins the
    lost lead byte, a following own reading the lost trail byte). None when the line cannot be
    re-read."""
    # characters the codec lacks came as references (`&#N;`) that a parser resolved: same again
    data = line.encode(codec, errors="xmlcharrefreplace")
    if _LOST in data:
        return None
    full, half = _site_patterns(codec)

    def drop_full(m: re.Match) -> bytes:
        if not is_syllable(m.group(2).decode(codec, errors="replace")):
            return m.group(0)
        if m.group(3):  # trail byte lost: the lead byte before the annotation goes with it
            return _LOST + (b"%02X" % m.group(1)[0] if m.group(1) else b"")  # the lead, for recover
        return m.group(1) or b""

    data = full.sub(drop_full, data)
    sites = [m for m in half.finditer(data) if _is_fragment(m.group(1).decode(codec, errors="replace"))]
    parts, seps, pos = [], [], 0
    own_site = None  # a site that is the annotation of the character whose lead byte precedes it
    for k, m in enumerate(sites):
        parts.append(data[pos : m.start() - (k == own_site)])
        seps.append(MARK)
        pos = m.end()
        if k == own_site:  # the decoder, out of step, swallowed the trail byte and `(`: in step after
            seps[-1] = recover_own(parts, data, m, codec)
            continue
        end = sites[k + 1].start() if k + 1 < len(sites) else len(data)
        if m.group(2) is None and pos < end and data[pos] >= 0x40 and data[pos] != 0x5C:
            as_trail = _strict_decode(data[pos + 1 : end], codec, lost_trails=False)
            if as_trail is None and k + 1 < len(sites) and sites[k + 1].group(2) is None and data[end - 1] >= 0x81:
                # read in step, the stretch ends in a lead byte whose own annotation follows
                body = _strict_decode(data[pos + 1 : end - 1], codec, lost_trails=False)
                own = sites[k + 1].group(1).decode(codec, errors="replace")
                if body is not None and recover.own_candidates(data[end - 1], own, codec) and recover.plausible(body):
                    as_trail, own_site = body + own_site_char(data[end - 1], own, codec), k + 1
            if as_trail is None:  # a lead byte whose trail was lost: read in step if the context settles it
                filled = recover.fill_lost_trails(_strict_decode(data[pos + 1 : end], codec, leads=True) or MARK, codec)
                as_trail = None if MARK in filled or not recover.plausible(filled) else filled
            as_next = _strict_decode(data[pos:end], codec)
            # a lead byte read `own` before the next site is evidence too: it wins a tie
            trail_share, next_share = (_common_share(as_trail[:16]), _common_share(as_next[:16])) if as_trail and as_next else (0, 0)
            if as_trail is not None and (as_next is None or trail_share > next_share or (own_site == k + 1 and trail_share == next_share)):
                # the trail byte is known: the straddling reading may pin the lead, the context choose
                before = _strict_decode(parts[-1], codec)
                syllable = m.group(1).decode(codec, errors="replace")
                if before and is_han(before[-1]):
                    ch = recover.restore(before[-1], syllable, data[pos], None, before, as_trail, (codec,))
                    if ch is not None:
                        seps[-1] = ch
                pos += 1
            elif own_site == k + 1:
                own_site = None
    parts.append(data[pos:])
    decoded = [_strict_decode(part, codec, leads=True) for part in parts]
    if any(part is None for part in decoded):
        return None
    text = decoded[0] + "".join(sep + part for sep, part in zip(seps, decoded[1:]))
    text = recover.fill_lost_trails(text, codec)
    return _CHARREF.sub(lambda m: chr(int(m.group(1))), text) if "&#" in text and "&#" not in line else text


def _damage_score(line: str) -> int:
    """Signals of damage: annotation fragments and orphan sites weigh more than a `?` or a
    corrupt character (U+FFFD included: a re-read that marks a lost character pays for it)."""
    fragments = sum(1 for m in FRAGMENT.finditer(line) if toneless(m.group(1)) in _syllable_tails())
    orphans = sum(1 for m in ORPHAN_SITE.finditer(line) if _is_fragment(m.group(1)) and not is_toned(m.group(1)))
    return 2 * (fragments + orphans) + line.count("?") + len(CORRUPT_CHAR.findall(line))


def resync_broken_sites(text: str, log: RepairLog) -> str:
    """Re-read, in the legacy encoding the copy went through, each line holding the remains of an
    annotation inserted between the two bytes of a character (the decoder then read the line out
    of step until an ASCII-range byte). Kept only when the re-read line shows less damage."""
    if not _SITE_HINT.search(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not _SITE_HINT.search(line):
            continue
        common = _common_share(line)
        best, best_key = line, (_damage_score(line), -common)
        for codec in _RESYNC_CODECS:
            fixed = _resync_line(line, codec)
            if fixed is None or fixed == line:
                continue
            fixed_common = _common_share(fixed)
            if fixed_common < common:
                continue
            key = (_damage_score(fixed), -fixed_common)
            if key < best_key:
                best, best_key = fixed, key
        if best is not line:
            best = remove_pinyin_annotations(best, log)  # annotations the re-read made whole
            if mark_corruption(best) != mark_corruption(remove_pinyin_annotations(line, RepairLog())):
                log.mojibake += 1  # counted when the re-read restores text, not when it only marks
                log.notes.append(f"line {i + 1} re-read after annotations inside characters")
            lines[i] = best
    return "\n".join(lines)


def _is_fragment(syllable: str) -> bool:
    return (is_syllable(syllable) if is_toned(syllable) else syllable in syllables())


def _orphan(m: re.Match) -> str:
    return MARK if _is_fragment(m.group(1)) else m.group(0)


def _fragment(m: re.Match) -> str:
    return MARK if toneless(m.group(1)) in _syllable_tails() else m.group(0)


_QUESTION_NEAR_MARK = re.compile(rf"({MARK}[^\s?{MARK}]{{0,6}})\?")


def _corrupt(m: re.Match) -> str:
    return m.group(0) if len(m.group(0)) > 1 else MARK  # a dash run stays


def _glued(text: str, m: re.Match) -> str:
    """`村e（cuò）鎮`: the annotator matched the trail byte of 村 and the letter e as 錯 and wrote
    its reading after the letter; the decoder stayed in step, so the letter is real text. Kept
    when that byte arithmetic holds and no other damage stands just before; otherwise the letter
    is a trail byte read out of step (`?;返戎攸c(diǎn)`) and the whole is marked."""
    start = m.start()
    before = text[max(0, start - 6) : start]
    prev = text[start - 1] if start else ""
    prev_bytes = _gbk(prev) if prev else None
    if prev_bytes and not re.search(rf"[?{MARK}\ue000-\uf8ff\u2500-\u257f]", before):
        ch = _decode_pair(prev_bytes[1], ord(m.group(0)[0]))
        if ch and m.group(1) in _readings(ch):
            return m.group(0)[0]
    return MARK


def mark_corruption(text: str) -> str:
    """Replace every remaining corruption signal with U+FFFD, which extraction skips."""
    text = ORPHAN_SITE.sub(_orphan, text)
    text = GLUED_ANNOTATION.sub(lambda m: _glued(text, m), text)
    text = LOST_LEAD.sub(MARK, text)
    text = AFTER_FRAGMENT.sub(MARK, text)
    if _SITE_HINT.search(text):
        text = FRAGMENT.sub(_fragment, text)
    # a `?` a few characters after a mark belongs to the same damaged stretch
    text = _QUESTION_NEAR_MARK.sub(lambda m: m.group(1) + MARK, text)
    text = CORRUPT_CHAR.sub(_corrupt, text)
    # Between two marks a few characters apart, a decoder was out of step: mark those too.
    return re.sub(rf"(?<={MARK})[^\s{MARK}、，,。;；:：!！?？“”]{{1,6}}(?={MARK})", lambda m: MARK * len(m.group(0)), text)


def has_corruption_signal(line: str) -> bool:
    return bool(
        any(len(m.group(0)) == 1 for m in CORRUPT_CHAR.finditer(line))
        or any(_is_fragment(m.group(1)) for m in ORPHAN_SITE.finditer(line))
        or LOST_LEAD.search(line)
    )


def _matched_share(a, b, min_block: int) -> float:
    """Share of `a` in runs of at least `min_block` found, in order, in `b`: single characters
    matched here and there would make any short line a part of any long paragraph."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks() if block.size >= min_block) / max(1, len(a))


#: longer lines are compared by shared start and end only (difflib is quadratic at worst)
_LONGEST_COMPARED = 4000


def _shared_share(line: str, other: str, share: float) -> float:
    """Share of `line` found, in order, in `other`: by characters, or else by bytes in the legacy
    encoding the copy went through (a stretch decoded out of step is other characters but the
    same bytes). A shared start and end settle most copies (the decoder fell out of step once
    and came back), then characters, then bytes, each costlier than the one before."""
    prefix = len(os.path.commonprefix([line, other]))
    suffix = len(os.path.commonprefix([line[prefix:][::-1], other[prefix:][::-1]]))
    if prefix + suffix >= share * len(line) or len(line) > _LONGEST_COMPARED:
        return (prefix + suffix) / max(1, len(line))
    best = _matched_share(line, other, 2)
    for codec in ("gb18030", "big5hkscs"):
        if best >= share:
            break
        best = max(best, _matched_share(line.encode(codec, errors="replace"), other.encode(codec, errors="replace"), 3))
    return best


#: a `?` with more of its line after it: a question mark ends a sentence, an orphan byte's `?`
#: is followed by the rest of the line decoded after it
_INNER_QUESTION = re.compile(r"\?(?=[^\s“”\"'))）])|(?<=[a-zü])\?(?=[)）])")


def drop_corrupt_duplicate_lines(text: str, log: RepairLog, head: int = 3, window: int = 5, share: float = 0.6) -> str:
    """Drop a damaged copy of one of the first lines: a scraper prepended the title, dateline or
    first paragraph decoded out of step (a `?` for the orphan byte, then wrong characters until
    an ASCII-range byte resynchronised the decoder). A line among the first `head` non-empty
    lines is dropped when it shows damage (a corruption signal, or a `?` after a CJK character)
    and at least `share` of it recurs, in order, in one of the next `window` non-empty lines
    that is not identical to it, whatever the lines' length."""
    limit = 64  # only the first lines are looked at; the rest stays one string
    lines = text.split("\n", limit)
    filled = [i for i, line in enumerate(lines if len(lines) <= limit else lines[:-1]) if line.strip()]
    drop = set()
    for pos, i in enumerate(filled[:head]):
        line = lines[i].strip()
        signal = has_corruption_signal(line)
        inner = _INNER_QUESTION.findall(line)
        if not signal and not inner:
            continue
        for j in filled[pos + 1 : pos + 1 + window]:
            other = lines[j].strip()
            if j in drop or other == line:
                continue
            # damage: a corruption signal, or more `?` inside the line than the other line has
            if not signal and len(inner) <= len(_INNER_QUESTION.findall(other)):
                continue
            # a copy has about the length of its line (give or take a prefix and the characters
            # read out of step): a line much shorter or much longer is no copy
            if len(other) < share * len(line) or len(other) > 1.6 * len(line) + 8:
                continue
            if _shared_share(line, other, share) >= share:
                drop.add(i)
                log.dropped_lines += 1
                # its annotations count as removed, as they did when the copy was dropped later
                log.pinyin += sum(1 for m in PINYIN_ANNOTATION.finditer(line) if is_annotation(line[m.start() - 1], m.group(1)))
                log.notes.append(f"dropped damaged line {i + 1} (a copy of line {j + 1})")
                break
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def remove_doubled_commas(text: str, log: RepairLog) -> str:
    new, n = DOUBLED_COMMA.subn("", text)
    log.punctuation += n
    return new


def recover_by_context(text: str, log: RepairLog) -> str:
    """The pinyin checksum: a `?reading)` site whose surviving trail byte or own reading, with
    the lead bytes the inserted reading allows (GBK or Big5), leaves one candidate or one that
    the context clearly prefers, is restored (pipelines/decoded/recover.py)."""
    if "?" not in text:
        return text
    text, restored = recover_sites(text, log.notes)
    log.mojibake += restored
    return text


def repair(text: str) -> tuple[str, RepairLog]:
    """All repairs in order. Returns the repaired source-script text and what was done."""
    log = RepairLog()
    text = remove_invisible(text, log)
    # copies are compared before annotations go: the damaged copy kept its annotations' bytes
    text = drop_corrupt_duplicate_lines(text, log)
    text = remove_pinyin_annotations(text, log)
    restored = log.mojibake
    text = recover_by_context(text, log)
    if log.mojibake > restored:  # a restored character may carry its own annotation: `綜(zōng)`
        text = remove_pinyin_annotations(text, log)
    text = resync_broken_sites(text, log)
    text = mark_corruption(text)
    text, filled = recover.fill_lone_marks(text, log.notes)
    log.mojibake += filled
    text = remove_doubled_commas(text, log)
    text = fold_width(text)
    return text, log
