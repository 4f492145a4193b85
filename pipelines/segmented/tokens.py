"""Word segmentation with jieba (HMM on, so decimals stay whole) and a user dictionary of
units and administrative names kept as a data file, loaded once per process.

Regenerate the dictionary after changing units.yaml or the gazetteer package:
    python -m pipelines.extracted.userdict
"""

from __future__ import annotations

import logging
from functools import lru_cache

from ..rules import DATA

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
