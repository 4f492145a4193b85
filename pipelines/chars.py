"""Character classes and width folding, written once for every layer.

Two Han classes on purpose: decoding must see every ideograph (extensions and compatibility
forms included), while extraction matches words of the CJK Unified block only.
"""

from __future__ import annotations

import re

#: CJK Unified Ideographs, the block that words in the rules and lexicons are written in
HAN_BASIC = "\u4e00-\u9fff"
#: plus Extension A and the Compatibility Ideographs (for regex classes over the BMP)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: every Han range, the supplementary planes included
HAN_ANY = re.compile(f"[{HAN}\U00020000-\U0002ffff]")

#: what decoding writes where a character could not be restored; extraction skips such clauses
MARK = "\ufffd"

_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹"
#: full-width ASCII forms -> ASCII, ideographic space -> space, sub/superscript digits -> digits
_FOLD = {**{o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)}, 0x3000: " ",
         **{ord(c): ord("0123456789"[i % 10]) for i, c in enumerate(_SUBSCRIPTS)}}
_LATEX_SUB = re.compile(r"_\{([0-9A-Za-z.]+)\}")


def is_han(ch: str) -> bool:
    return HAN_ANY.match(ch) is not None


def count_han(text: str) -> int:
    return len(HAN_ANY.findall(text))


def fold_width(text: str) -> str:
    """Full-width ASCII forms -> ASCII, ideographic space -> space, sub/superscript digits and
    `_{2.5}` -> plain digits. Not NFKC: “” 、 。 Ⅲ and circled numbers are kept."""
    return _LATEX_SUB.sub(r"\1", text.translate(_FOLD))
