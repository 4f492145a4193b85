"""The one loader of the rule and lexicon files in pipelines/data (once per process).

Every YAML file is checked against a typed model (pydantic, unknown keys forbidden), so a typo
in a key fails loudly when the file is first read instead of silently matching nothing. Each file
also names the layer that reads it: a change to it reruns that layer and the ones after it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

DATA = Path(__file__).parent / "data"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Qualifier(_Strict):
    before: list[str] = []
    between: list[str] = []  # between the number and the unit (2.7万余户)
    after: list[str] = []


class _Measure(_Strict):
    ratio_before: list[str]
    share_before: list[str]
    growth_before: list[str]
    change_before: list[str]
    negative_before: list[str]


class _Table(_Strict):
    measure: dict[str, str]
    unit_line: str


class _Abbreviation(_Strict):
    pattern: str
    parts: list[str]


class _Elliptical(_Strict):
    keep: list[str]
    drop: list[str]
    owned: list[str]
    measured: list[str]
    shared: list[str]


class IndicatorRules(_Strict):
    qualifiers: dict[str, _Qualifier]
    not_quantity_after: list[str]
    not_quantity_before: list[str]
    threshold_after: list[str]
    threshold_categories: list[str]
    measure: _Measure
    colon_ratio_before: list[str]
    target_cues: list[str]
    review_target_cues: list[str]
    kind_cues: dict[str, list[str]]
    paragraph_year: list[str]
    paragraph_period: list[str]
    period_cue: list[str]
    metric_trim_start: list[str]
    metric_trim_end: list[str]
    metric_tail_stop: list[str]
    abbreviations: list[_Abbreviation]
    elliptical: _Elliptical
    table: _Table
    minus_sign: str
    minus_not_after: str
    percent_bounds: dict[str, tuple[float, float]]
    limits: dict[str, int]


class _Unit(_Strict):
    std: str
    factor: float
    category: str


class Units(_Strict):
    multipliers: dict[str, int]
    units: dict[str, _Unit]


class _StatusRule(_Strict):
    status: str
    pattern: str


class _Status(_Strict):
    review: list[_StatusRule]
    plan: list[_StatusRule]


class ProjectRules(_Strict):
    heads: dict[str, list[str]]
    left_verbs: str
    strip_prefix: str
    list_cue: str
    capacity: str
    not_project_after: str
    strip_prefix_glued: str
    generic_kind: list[str]
    pos_override: dict[str, str]
    stop_words: list[str]
    specific_frequency: dict[str, int]
    actor_context: str
    generic_words: list[str]
    enumeration_kinds: dict[str, list[str]]
    suffix_pattern: str
    right_context: str
    right_context_named_head: str
    investment: str
    status_target_cue: str
    status_conditional: str
    status: _Status
    reject_name: list[str]
    limits: dict[str, int]


class _ReportTypeRule(_Strict):
    type: str
    where: str
    pattern: str


class ReportRules(_Strict):
    report_type: list[_ReportTypeRule]
    review_year: list[str]
    plan_year: list[str]
    five_year_review: str
    five_year_last: dict[str, int]
    review_this_year: list[str]
    plan_this_year: list[str]
    review_last_year: list[str]
    published_date: list[str]
    url_date: str
    outlet: list[str]
    outlet_noise: str
    author_noise: str
    not_title: list[str]
    title_strip: list[str]
    authors: list[str]
    authors_anywhere: list[str]
    author_outlet: str
    zone: str
    limits: dict[str, int]


class _PartCues(_Strict):
    heading_review: list[str]
    heading_plan: list[str]
    leadin_review: list[str]
    leadin_plan: list[str]


class SegmentRules(_Strict):
    boilerplate: list[str]
    heading_numbered: list[str]
    part_cues: _PartCues
    limits: dict[str, int]


class _Tables(_Strict):
    unit_caption: list[str]
    header_unit: list[str]
    unit_column: list[str]
    generic_header: list[str]
    year: list[str]
    change_header: list[str]
    negative_word: str
    label_trim: list[str]
    empty_cell: list[str]


class _Pages(_Strict):
    page_number: list[str]


class DocumentRules(_Strict):
    tables: _Tables
    pages: _Pages
    limits: dict[str, int]


class _CatalogEntry(_Strict):
    name_zh: str
    aliases: list[str] = []
    name_en: str
    unit_std: str
    better: Literal["higher", "lower"] = "higher"
    definition: str
    source: str


class IndicatorCatalog(_Strict):
    ignore: list[str]
    boundaries: list[str]
    prefixes: list[str]
    area_words: list[str]
    tails: list[str]
    codes: dict[str, _CatalogEntry]


#: file -> (the model it must satisfy or None for a plain-text list, the layer that reads it)
FILES: dict[str, tuple[type[BaseModel] | None, str]] = {
    "pinyin_syllables.txt": (None, "decoded"),
    "document_rules.yaml": (DocumentRules, "decoded"),
    "segment_rules.yaml": (SegmentRules, "segmented"),
    "jieba_userdict.txt": (None, "segmented"),
    "units.yaml": (Units, "extracted"),
    "indicator_rules.yaml": (IndicatorRules, "extracted"),
    "project_rules.yaml": (ProjectRules, "extracted"),
    "indicator_catalog.yaml": (IndicatorCatalog, "extracted"),
    "report_rules.yaml": (ReportRules, "extracted"),
}


class RuleFileError(ValueError):
    """A rule file that does not fit its model; the message names the file and the key."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML keeps the last of two equal keys without a word: here a repeated key is an error."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise RuleFileError(f"line {key_node.start_mark.line + 1}: the key {key!r} is written twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict[str, Any]:
    model, _layer = FILES[name]
    path = DATA / name
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
        except RuleFileError as exc:
            raise RuleFileError(f"{path}: {exc}") from None
    if model is not None:
        try:
            model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RuleFileError(f"{path}: {where}: {first['msg']}") from None
    return data


def limit(name: str, key: str) -> int:
    """A numeric threshold kept in a rule file's `limits` mapping."""
    return int(load_yaml(name)["limits"][key])


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
