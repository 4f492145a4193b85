"""Loading of the rule and lexicon data files in pipelines/data (once per process)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=None)
def compiled(name: str, key: str) -> tuple[re.Pattern, ...]:
    """The list of regular expressions under `key` (dotted for nesting) of a YAML data file."""
    node = load_yaml(name)
    for part in key.split("."):
        node = node[part]
    return tuple(re.compile(p) for p in node)


def any_match(patterns: tuple[re.Pattern, ...], text: str) -> re.Match | None:
    for p in patterns:
        m = p.search(text)
        if m:
            return m
    return None
