"""Word segmentation with jieba (HMM on, so decimals stay whole) and a user dictionary of
units and administrative names kept as a data file, loaded once per process.

Regenerate the dictionary after changing units.yaml or the gazetteer package:
    python -m pipelines.tokens --write-userdict
"""

from __future__ import annotations

import logging
import sys
from functools import lru_cache

from .lexicon import DATA

USERDICT = DATA / "jieba_userdict.txt"


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.load_userdict(str(USERDICT))
    return tok


def tokenize(text: str) -> list[str]:
    return [t for t in _tokenizer().lcut(text, HMM=True) if t.strip()]


def write_userdict() -> None:
    from .gazetteer import areas, short_name
    from .indicators import units

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
    if "--write-userdict" in sys.argv:
        write_userdict()
        print(f"wrote {USERDICT}")
