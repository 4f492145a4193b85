"""Regenerate the tokenizer's user dictionary (pipelines/data/jieba_userdict.txt) from the units
lexicon and the gazetteer, so units and place names stay whole words:

    python -m pipelines.extracted.userdict
"""

from __future__ import annotations

from ..segmented.tokens import USERDICT
from .gazetteer import areas, short_name
from .indicators import units


def write_userdict() -> None:
    table, mults, _ = units()
    words = {u: "q" for u in table if len(u) > 1}
    words.update({m + u: "q" for m in mults for u in table if len(m + u) <= 5})
    for area in areas().values():
        words[area.name] = "ns"
        if short_name(area):
            words[short_name(area)] = "ns"
    lines = [f"{w} 100000 {tag}" for w, tag in sorted(words.items()) if " " not in w]
    USERDICT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_userdict()
    print(f"wrote {USERDICT}")
