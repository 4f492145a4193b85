"""Traditional -> Simplified with OpenCC `tw2s`, and the script tag of a text.

`tw2s`, not `t2s` (which leaves 著力) nor `tw2sp` (which rewrites words: 指标->指针).
The reimplemented OpenCC is slow (~0.3 M chars/s), so it runs only on text that holds
Traditional-only characters.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from ..chars import count_han

#: share of Traditional-only characters among Han characters above which a text is "traditional"
TRADITIONAL_SHARE = 0.10
#: below that share, a text is "mixed" only with more than this many Traditional-only characters
#: standing near another one: a rare character of a personal or company name (曄, 燁, 鈺) stands
#: alone among Simplified ones, a pasted Traditional passage has them every few characters
HANDFUL = 5
NEIGHBOURHOOD = 8


@lru_cache(maxsize=1)
def traditional_only_chars() -> frozenset[str]:
    """Characters OpenCC always converts (not also a valid Simplified form): 萬 區 發, not 乾 於."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and key not in values.split():
            chars.add(key)
    return frozenset(chars)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("tw2s")


def script_of(text: str) -> tuple[str, float]:
    """(`simplified` | `traditional` | `mixed`, share of Traditional-only chars among Han chars)."""
    trad = traditional_only_chars()
    if trad.isdisjoint(text):  # a set scan in C: the common Simplified case costs almost nothing
        return "simplified", 0.0
    positions = [i for i, c in enumerate(text) if c in trad]
    if not positions:
        return "simplified", 0.0
    share = len(positions) / count_han(text)
    if share >= TRADITIONAL_SHARE:
        return "traditional", share
    clustered = sum(
        1
        for k, pos in enumerate(positions)
        if (k and pos - positions[k - 1] <= NEIGHBOURHOOD) or (k + 1 < len(positions) and positions[k + 1] - pos <= NEIGHBOURHOOD)
    )
    return ("mixed" if clustered > HANDFUL else "simplified"), share


def to_simplified(text: str) -> tuple[str, list[int] | None]:
    """Convert to Simplified. Returns (text, offset map) where the map gives, for each position
    of the Simplified text (plus one past the end), the position in the source text; None when
    the conversion kept every length (the usual case) and positions are identical."""
    if traditional_only_chars().isdisjoint(text):
        return text, None
    conv = _converter()
    lines = text.split("\n")
    out_lines = [conv.convert(line) for line in lines]
    simplified = "\n".join(out_lines)
    if len(simplified) == len(text):
        return simplified, None
    return simplified, _align(text, simplified)


def _align(source: str, target: str) -> list[int]:
    """Map every target position to a source position (phrase conversions may change lengths)."""
    mapping = [0] * (len(target) + 1)
    matcher = difflib.SequenceMatcher(None, source, target, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(j2 - j1):
            mapping[j1 + k] = i1 + min(k, max(i2 - i1 - 1, 0)) if tag != "equal" else i1 + k
    mapping[len(target)] = len(source)
    return mapping
