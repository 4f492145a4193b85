"""Damage a clean report the way the web copies behind seeds 002 and 004 were damaged.

The chain (measured on the seeds, see docs/decisions.md and the text findings):
Simplified -> Traditional (OpenCC s2t) -> full-width forms folded to ASCII -> legacy bytes
(GBK, or for a share of copies Big5-HKSCS, the Big5 flavour that holds toned pinyin) ->
a byte-level annotator that appends `(pinyin)` after every occurrence of a per-document set of
characters (matching raw bytes, so it also hits a character formed by the trail byte of one
character and the lead byte of the next, and breaks both) -> commas doubled before some marks
-> a legacy decoder that writes `?` for a lead byte without a valid trail and drops
private-use characters -> a desynchronised copy of the first line prepended.

Everything random comes from the `random.Random` passed in, so a seed gives the same copy.

    python bench/damage.py OUT_DIR [--copies K] [--seed S] [FILE ...]

writes, for every clean text (default: seeds and tests/fixtures/corpus), K damaged copies
`<stem>.dN.txt` beside its clean reference `<stem>.clean.txt`, and `manifest.json`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
#: a reading the annotator can write: lower-case pinyin letters, tone-marked or neutral
_READING = re.compile(f"^[a-zü{TONE_MARKS}]+$")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
#: the marks a comma was inserted before (after width folding: `,` `;` `:` are ASCII)
_COMMA_TARGETS = ",;:。、"
_WIDTH = {**{o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)}, 0x3000: " "}

CODECS = {"gbk": "gb18030", "big5": "big5hkscs"}  # chain name -> Python codec for the bytes


@dataclass
class Damage:
    """What was done to one copy (written to the manifest)."""

    codec: str
    brackets: str
    annotated_types: int
    neutral_types: int
    straddle_types: int
    annotations: int
    commas: int
    broken_pairs: int
    first_line: str  # title | dateline | paragraph | none
    charref_types: int  # character types the legacy codec lacks, carried as `&#N;`
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=8192)
def _reading(ch: str) -> str | None:
    """The annotator's reading of a character: pypinyin's first one, tone marks or neutral."""
    from pypinyin import Style, pinyin

    found = pinyin(ch, style=Style.TONE, errors="ignore")
    if not found or not found[0]:
        return None
    reading = unicodedata.normalize("NFC", found[0][0])
    return reading if _READING.match(reading) else None


_CHARREF = re.compile(r"&#(\d+);")


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _is_neutral(reading: str) -> bool:
    return not any(c in TONE_MARKS for c in reading)


@lru_cache(maxsize=8192)
def _traditional_only(ch: str) -> bool:
    return _opencc("t2s").convert(ch) != ch


def _units(data: bytes, codec: str) -> list[tuple[int, int]]:
    """(start, end) of each character's bytes in a well-formed GB18030 or Big5 byte string."""
    out, i, n = [], 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            size = 1
        elif codec == "gb18030" and i + 1 < n and 0x30 <= data[i + 1] <= 0x39:
            size = 4
        else:
            size = 2
        out.append((i, min(i + size, n)))
        i += size
    return out


@lru_cache(maxsize=65536)
def _pair(codec: str, pair: bytes) -> str | None:
    try:
        ch = pair.decode(codec)
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 else None


def broken_decode(data: bytes, codec: str) -> tuple[str, int]:
    """Decode like the mirror's decoder did: a lead byte followed by a byte that cannot be its
    trail becomes one `?` (the two bytes swallowed when the second is printable ASCII, as `94 (`
    became `?` in the seeds); private-use characters are dropped. Returns (text, count of `?`)."""
    out: list[str] = []
    broken = 0
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if codec == "gb18030" and i + 3 < n and 0x30 <= data[i + 1] <= 0x39:
            ch = _pair(codec, data[i : i + 4])
            if ch is not None:
                out.append(ch)
                i += 4
                continue
        ch = _pair(codec, data[i : i + 2]) if i + 1 < n else None
        if ch is not None:
            if not 0xE000 <= ord(ch) <= 0xF8FF:  # private use: dropped
                out.append(ch)
            i += 2
            continue
        out.append("?")
        broken += 1
        i += 2 if i + 1 < n and 0x21 <= data[i + 1] < 0x80 else 1
    return "".join(out), broken


def _to_traditional(text: str) -> str:
    return "\n".join(_opencc("s2t").convert(line) for line in text.split("\n"))


def _first_line_kind(line: str) -> str:
    s = line.strip()
    if re.search(r"\d{4}[-年./]\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}", s) and len(s) <= 60:
        return "dateline"
    return "title" if len(s) <= 40 and "。" not in s else "paragraph"


def _choose_set(text: str, codec: str, rng: random.Random) -> tuple[dict[str, str], int, int]:
    """The per-document annotated characters with their readings: a share of the Traditional-only
    characters, some characters read with a neutral tone, and sometimes a character that straddles
    two others in the byte stream."""
    types = sorted({c for c in text if _HAN.match(c)})
    trad = [c for c in types if _traditional_only(c) and _reading(c)]
    chosen = set(rng.sample(trad, round(len(trad) * rng.uniform(0.3, 0.7)))) if trad else set()
    neutral = [c for c in types if (r := _reading(c)) and _is_neutral(r) and c not in chosen]
    n_neutral = 0
    for c in neutral:
        if rng.random() < 0.6:
            chosen.add(c)
            n_neutral += 1
    # characters formed by (trail byte of one character, lead byte of the next)
    encoded = [c.encode(codec, errors="ignore") for c in text[:20000]]
    straddles = set()
    for a, b in zip(encoded, encoded[1:]):
        if len(a) == 2 and len(b) >= 2:
            ch = _pair(codec, bytes([a[1], b[0]]))
            if ch and _HAN.match(ch) and _traditional_only(ch) and _reading(ch) and ch not in chosen:
                straddles.add(ch)
    n_straddle = 0
    if straddles and rng.random() < 0.5:
        for ch in rng.sample(sorted(straddles), min(len(straddles), rng.randint(1, 2))):
            chosen.add(ch)
            n_straddle += 1
    return {c: _reading(c) for c in chosen}, n_neutral, n_straddle


def _double_commas(text: str, rng: random.Random, share: float) -> tuple[str, int]:
    out, n = [], 0
    for i, ch in enumerate(text):
        if ch in _COMMA_TARGETS and i and text[i - 1] not in ",\n" and rng.random() < share:
            out.append(",")
            n += 1
        out.append(ch)
    return "".join(out), n


def _desync_copy(line_bytes: bytes, codec: str, rng: random.Random) -> str | None:
    """The line decoded in two chunks split between the lead and trail byte of one character:
    chunk 1 ends in an orphan lead (`?`), chunk 2 is read one byte off until an ASCII-range byte
    puts the decoder back in step."""
    units = [(s, e) for s, e in _units(line_bytes, codec) if e - s == 2]
    if not units:
        return None
    head = units[: max(1, len(units) // 3)]
    start, _ = rng.choice(head)
    first, _ = broken_decode(line_bytes[: start + 1], codec)
    rest, _ = broken_decode(line_bytes[start + 1 :], codec)
    return first + rest


def damage(clean: str, rng: random.Random, codec: str | None = None) -> tuple[bytes, Damage]:
    """A damaged copy of `clean` (the bytes of the file a scraper would save) and what was done."""
    chain = codec or ("big5" if rng.random() < 0.25 else "gbk")
    pycodec = CODECS[chain]
    text = _to_traditional(clean).translate(_WIDTH)
    # Big5 cannot hold every character (GBK neither: GB18030 bytes stand in for those): a Big5
    # page writes them as numeric character references, which the scraper's HTML parser resolves
    charrefs = sum(1 for c in set(text) if not _encodable(c, pycodec))
    readings, n_neutral, n_straddle = _choose_set(text, pycodec, rng)
    brackets = rng.choice(["half", "full"])
    opening, closing = ("(", ")") if brackets == "half" else ("（", "）")
    share = rng.choice([0.0, 0.0, 0.05, 0.15, 0.3])
    text, commas = _double_commas(text, rng, share)
    data = text.encode(pycodec, errors="xmlcharrefreplace")
    for ch in sorted(sorted(readings), key=lambda c: rng.random()):  # sorted first: sets follow hashing
        if not _encodable(ch, pycodec):  # a character reference: the annotator cannot see it
            continue
        enc = ch.encode(pycodec)
        data = data.replace(enc, enc + (opening + readings[ch] + closing).encode(pycodec))
    decoded, broken = broken_decode(data, pycodec)
    decoded = _CHARREF.sub(lambda m: chr(int(m.group(1))), decoded)
    annotations = len(re.findall(rf"[({opening}][a-zü{TONE_MARKS}]+[){closing}]", decoded))
    lines = decoded.split("\n")
    first_index = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    kind = "none"
    if first_index is not None and rng.random() < 0.8:
        # the copy is made from the annotated bytes of the line, as in seed 002
        copy = _desync_copy(data.split(b"\n")[first_index], pycodec, rng)
        if copy:
            kind = _first_line_kind(lines[first_index])
            copy = _CHARREF.sub(lambda m: chr(int(m.group(1))), copy)
            lines.insert(first_index, copy + ("\n" if rng.random() < 0.3 else ""))
    out = "\n".join(lines)
    # saved as UTF-8, as the seeds were (the legacy re-encodings are tested on clean texts)
    return out.encode("utf-8"), Damage(
        codec=chain,
        brackets=brackets,
        annotated_types=len(readings),
        neutral_types=n_neutral,
        straddle_types=n_straddle,
        annotations=annotations,
        commas=commas,
        broken_pairs=broken,
        first_line=kind,
        charref_types=charrefs,
    )


def clean_text(path: Path) -> str:
    """A text as published; a damaged one (seeds 002 and 004, annotated corpus pages) as the
    decoded stage repairs it, in its source script, without U+FFFD (bytes lost for good)."""
    from pipelines.decoded.stage import decode_report

    d = decode_report(path.read_bytes(), path.name)
    damaged = d.repairs_pinyin or d.repairs_mojibake or d.repairs_dropped_lines
    return d.text_source.replace("\ufffd", "") if damaged else path.read_text(encoding="utf-8")


def clean_sources() -> dict[str, str]:
    """The clean texts of every seed and every corpus text."""
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.txt"))
    return {path.stem: clean_text(path) for path in paths}


def write_copies(sources: dict[str, str], out: Path, copies: int, seed: int) -> list[dict]:
    """K damaged copies of every source beside its clean reference; returns the manifest rows."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for stem, clean in sources.items():
        (out / f"{stem}.clean.txt").write_text(clean, encoding="utf-8")
        for k in range(copies):
            rng = random.Random(f"{seed}:{stem}:{k}")
            raw, info = damage(clean, rng)
            name = f"{stem}.d{k}.txt"
            (out / name).write_bytes(raw)
            rows.append({"file": name, "clean": f"{stem}.clean.txt", **asdict(info)})
    (out / "manifest.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("files", nargs="*", type=Path)
    a = ap.parse_args()
    sources = {p.stem: p.read_text(encoding="utf-8") for p in a.files} if a.files else clean_sources()
    rows = write_copies(sources, a.out, a.copies, a.seed)
    print(f"wrote {len(rows)} damaged copies of {len(sources)} texts to {a.out}")
