"""The one metadata registry of the published tables.

Every table is declared once here: columns with type, description, vocabulary, bounds and
whether they are required or unique; primary and foreign keys. The Parquet schema, the CSV
header, `datapackage.json`, the schema fingerprint, docs/DATA_DICTIONARY.md and the gates'
key, vocabulary, not-null, bounds and foreign-key expectations (expectations/gate.py) are derived
from it; nothing about a table is written twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

# registry type -> (arrow type, frictionless type, pandas dtype)
TYPES = {
    "string": (pa.large_string(), "string", "string"),
    "integer": (pa.int64(), "integer", "Int64"),
    "number": (pa.float64(), "number", "Float64"),
    "date": (pa.date32(), "date", "object"),
    "boolean": (pa.bool_(), "boolean", "boolean"),
    "list": (pa.list_(pa.large_string()), "string", "object"),  # CSV: space-joined
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    nullable: bool = True
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False  # unique on its own (a primary key column is unique anyway)


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default=())  # (column, table, column)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


KINDS = ("actual", "target")
MEASURES = ("amount", "change", "growth_rate", "share", "ratio", "rank")
QUALIFIERS = ("at_least", "approx", "more_than", "at_most")
CATEGORIES = ("industrial_park", "infrastructure", "public_facility", "commercial", "renewal", "other")
STATUSES = ("planned", "signed", "started", "under_construction", "completed", "operating")
REPORT_TYPES = ("government_work_report", "plan_report", "work_conference", "news", "other")
SCRIPTS = ("simplified", "traditional", "mixed")
PARTS = ("review", "plan")
BLOCKS = ("title", "heading", "caption", "body")

F = Field
REPORT_ID = F("report_id", "string", "The report: its file name without extension.", nullable=False)

REPORTS = Table(
    "reports",
    "One row per accepted source report, with its provenance, what decoding repaired, and its descriptive metadata.",
    (
        REPORT_ID,
        F("source_file", "string", "File name as received.", nullable=False),
        F("source_sha256", "string", "SHA-256 of the raw bytes; the same bytes twice is a duplicate, rejected.", nullable=False, unique=True),
        F("source_bytes", "integer", "Size of the raw file in bytes.", nullable=False),
        F("source_encoding", "string", "Detected encoding of the raw bytes (utf-8, utf-8-sig, gb18030, big5, utf-16, utf-32); `pdf` or `docx` for a document whose text its format gives.", nullable=False),
        F("source_script", "string", "Script of the source text.", nullable=False, enum=SCRIPTS),
        F("title", "string", "The report's title or headline."),
        F("province", "string", "Province-level area the report is about (山西省)."),
        F("city", "string", "Prefecture-level city the report is about (太原市)."),
        F("district", "string", "County-level district the report is about (杏花岭区)."),
        F("admin_code", "string", "GB/T 2260 code of the most specific area named (140107)."),
        F("report_type", "string", "Kind of report.", nullable=False, enum=REPORT_TYPES),
        F("review_year", "integer", "The year whose results it reports.", minimum=1949, maximum=2100),
        F("plan_year", "integer", "The year whose targets it sets.", minimum=1949, maximum=2100),
        F("published_date", "date", "Publication date where stated."),
        F("outlet", "string", "Source outlet where stated (太原日报)."),
        F("authors", "string", "Authors where stated, space-separated."),
        F("n_chars", "integer", "Characters of the decoded Simplified text.", nullable=False),
        F("n_sentences", "integer", "Rows in `sentences` for this report.", nullable=False),
        F("n_indicators", "integer", "Rows in `indicators` for this report.", nullable=False),
        F("n_projects", "integer", "Distinct projects mentioned in this report.", nullable=False),
        F("repairs_pinyin", "integer", "Pinyin annotations removed (區(qū) -> 區).", nullable=False),
        F("repairs_mojibake", "integer", "Characters restored from byte-level damage.", nullable=False),
        F("repairs_punctuation", "integer", "Inserted punctuation removed (,, ,。 ,、 ,;).", nullable=False),
        F("repairs_dropped_lines", "integer", "Corrupted lines dropped because a clean copy follows.", nullable=False),
        F("repairs_invisible", "integer", "Control and format characters removed in decoding (NUL and other controls, zero-width spaces and joiners, "
          "bidirectional marks, embeddings and isolates, soft hyphens, a BOM inside the text); Unicode line separators made line feeds.", nullable=False),
        F("unrecoverable_chars", "integer", "Characters marked U+FFFD because they could not be restored; clauses holding one are not extracted.", nullable=False),
        F("curated_fields", "string", "Comma-separated names of fields taken from a curated sidecar rather than inferred from the text; empty when none."),
        F("source_url", "string", "Where the text was obtained (from the curator's sidecar); `unknown` when the curator does not know, empty when there is no sidecar."),
        F("source_publisher", "string", "Who published the text obtained (from the sidecar); `unknown` when not known."),
        F("source_licence", "string", "Terms under which the source publisher makes the text available (from the sidecar); `unknown` when not stated."),
        F("accessed_date", "date", "When the curator obtained the text (from the sidecar)."),
    ),
    ("report_id",),
)

SENTENCES = Table(
    "sentences",
    "The decoded, segmented corpus: one row per sentence, heading, title or caption, in reading order.",
    (
        F("sentence_id", "string", "`<report_id>:<position, 4 digits>`.", nullable=False),
        REPORT_ID,
        F("section", "string", "The heading of the enclosing section."),
        F("paragraph", "integer", "Block number within the report (headings and captions are blocks too).", nullable=False),
        F("position", "integer", "Sentence ordinal within the report, from 1.", nullable=False),
        F("block", "string", "What the unit is: body sentence, heading, title or caption.", nullable=False, enum=BLOCKS),
        F("part", "string", "Whether the passage reviews results or sets plans, from headings and lead-ins carried forward.", enum=PARTS),
        F("text", "string", "The sentence, Simplified, normalised; exactly the decoded text between start and end.", nullable=False),
        F("text_source", "string", "The same sentence in the source script after repair.", nullable=False),
        F("start", "integer", "Offset of `text` in the report's decoded Simplified text.", nullable=False),
        F("end", "integer", "End offset (exclusive) of `text` in the decoded Simplified text.", nullable=False),
        F("page", "integer", "The page of a PDF report the sentence starts on, from 1; empty for other formats."),
        F("truncated", "boolean", "The sentence borders a passage lost from the source; it is not extracted from.", nullable=False),
        F("tokens", "list", "Word segmentation (jieba); in CSV space-joined.", nullable=False),
    ),
    ("sentence_id",),
    (("report_id", "reports", "report_id"),),
)

INDICATORS = Table(
    "indicators",
    "One row per quantity (an Arabic-digit number with what it measures) stated in a report.",
    (
        F("indicator_id", "string", "`<report_id>:<start>`.", nullable=False),
        REPORT_ID,
        F("sentence_id", "string", "The sentence that states it.", nullable=False),
        F("district", "string", "District the report is about."),
        F("admin_code", "string", "GB/T 2260 code of the report's area (as in `reports`), so a figure can be placed without a join."),
        F("year", "integer", "The year the figure refers to."),
        F("kind", "string", "Achieved (actual) or planned (target).", nullable=False, enum=KINDS),
        F("metric", "string", "What is measured, as phrased in the text (地区生产总值).", nullable=False),
        F("indicator_code", "string", "The `indicator_catalog` code the metric names (gdp for 地区生产总值, 生产总值, GDP alike), "
          "whatever the measure; null for local or uncatalogued metrics and for metrics narrowed to a part of the area or "
          "of the economy (开发区…, 县城…, 区属…)."),
        F("measure", "string", "amount, change, growth_rate, share, ratio or rank.", nullable=False, enum=MEASURES),
        F("value", "number", "The number as written, negative for decreases.", nullable=False),
        F("value_max", "number", "Upper end of a range (3-5款 -> 5)."),
        F("unit", "string", "The unit as written, with its multiplier (亿元, 万亩, %, 个).", nullable=False),
        F("qualifier", "string", "at_least, approx, more_than or at_most.", enum=QUALIFIERS),
        F("value_std", "number", "The value in the base unit (元, 平方米, 亩, 米, 吨, 人, the measure word, %, 百分点, 位).", nullable=False),
        F("unit_std", "string", "The base unit of value_std; empty when the unit is a bare multiplier (35万城乡参保居民)."),
        F("text", "string", "The clause that states it (Simplified).", nullable=False),
        F("start", "integer", "Start offset of the number and unit in the decoded Simplified text.", nullable=False),
        F("end", "integer", "End offset of the number and unit in the decoded Simplified text.", nullable=False),
    ),
    ("indicator_id",),
    (("report_id", "reports", "report_id"), ("sentence_id", "sentences", "sentence_id"),
     ("indicator_code", "indicator_catalog", "indicator_code")),
)

BETTER = ("higher", "lower")

INDICATOR_CATALOG = Table(
    "indicator_catalog",
    "The indicator catalogue: one row per canonical indicator code, kept in pipelines/data/indicator_catalog.yaml.",
    (
        F("indicator_code", "string", "The code (gdp, retail_sales).", nullable=False),
        F("name_zh", "string", "The standard Chinese name (地区生产总值).", nullable=False),
        F("name_en", "string", "English label.", nullable=False),
        F("aliases", "list", "Other Chinese phrasings that name it (生产总值, GDP); in CSV space-joined, empty when none."),
        F("unit_std", "string", "The base unit of its amount (元, 吨, 人, %).", nullable=False),
        F("better", "string", "Which direction meets a target stated without a qualifier: higher (GDP growth) or lower "
          "(unemployment, CPI, energy intensity, PM2.5).", nullable=False, enum=BETTER),
        F("definition", "string", "One English sentence, after the National Bureau of Statistics' 主要统计指标解释 where one exists.", nullable=False),
        F("source", "string", "Where the definition comes from.", nullable=False),
    ),
    ("indicator_code",),
)

TARGET_OUTCOMES = Table(
    "target_outcomes",
    "A year's targets met with that year's outcomes: one row per target (kind target, coded, with a year) that an actual "
    "answers for the same area (admin_code, else province+city+district), indicator_code, measure and year, from another "
    "or the same report. Where several actuals answer one target, the one from a report reviewing that year (review_year "
    "equal to the year: the full-year figure, not a mid-year estimate or a forecast) wins, then the latest report "
    "(by review_year, then report_id), then the first figure in it.",
    (
        F("outcome_id", "string", "Stable id: a hash of the target and actual indicator ids.", nullable=False),
        F("admin_code", "string", "GB/T 2260 code of the area."),
        F("province", "string", "Province of the area."),
        F("city", "string", "City of the area."),
        F("district", "string", "District of the area."),
        F("indicator_code", "string", "What is measured (a catalogue code).", nullable=False),
        F("measure", "string", "How it is measured (as in `indicators`).", nullable=False, enum=MEASURES),
        F("year", "integer", "The year the target is set for.", nullable=False, minimum=1949, maximum=2100),
        F("target_value", "number", "The target as set (the lower end of a range), in `unit`.", nullable=False),
        F("target_value_max", "number", "Upper end of a target range (5-6% -> 6)."),
        F("target_qualifier", "string", "The target's qualifier as written.", enum=QUALIFIERS),
        F("actual_value", "number", "The outcome reported, in `unit` (converted through value_std when the two reports write "
          "different multipliers of the same base unit, 亿元 and 万元).", nullable=False),
        F("unit", "string", "The shared unit: the target's unit as written (%, 亿元).", nullable=False),
        F("met", "boolean", "Whether the outcome meets the target: at_least (以上, 超过) actual >= target; more_than (余, 多) "
          "actual > target; at_most (以内, 不超过) actual <= target; a range: inside it, ends included; approx (左右, 约) "
          "not short of the target by more than the tolerance, 0.5 percentage points for values in % or 百分点 and 5% of "
          "the target otherwise (actual >= target - tolerance; <= target + tolerance where lower is better); no qualifier: "
          "actual >= target, or <= where the catalogue says lower is better. Null where undecidable (a rank)."),
        F("gap", "number", "actual_value minus target_value (the lower end of a range).", nullable=False),
        F("target_indicator_id", "string", "The target's row in `indicators`.", nullable=False),
        F("actual_indicator_id", "string", "The actual's row in `indicators`.", nullable=False),
        F("target_report_id", "string", "The report that sets the target.", nullable=False),
        F("actual_report_id", "string", "The report that gives the outcome.", nullable=False),
    ),
    ("outcome_id",),
    (("indicator_code", "indicator_catalog", "indicator_code"),
     ("target_indicator_id", "indicators", "indicator_id"), ("actual_indicator_id", "indicators", "indicator_id"),
     ("target_report_id", "reports", "report_id"), ("actual_report_id", "reports", "report_id")),
)

PROJECTS = Table(
    "projects",
    "One row per distinct named project per district (the unique-name table).",
    (
        F("project_id", "string", "Stable id derived from the district and the normalised name.", nullable=False),
        F("name", "string", "The project's name, normalised (Simplified, no surrounding quotes).", nullable=False),
        F("district", "string", "District of the reports that mention it."),
        F("category", "string", "Kind of project, from its head noun.", nullable=False, enum=CATEGORIES),
        F("status", "string", "Latest status stated.", enum=STATUSES),
        F("investment_value", "number", "Total investment where the text ties one to this project."),
        F("investment_unit", "string", "Unit of investment_value as written (亿元)."),
        F("n_mentions", "integer", "Mentions across all reports.", nullable=False),
        F("first_report_id", "string", "The first report (by id) that mentions it.", nullable=False),
    ),
    ("project_id",),
    (("first_report_id", "reports", "report_id"),),
)

PROJECT_MENTIONS = Table(
    "project_mentions",
    "Every mention of a project in a report.",
    (
        F("project_id", "string", "The project.", nullable=False),
        REPORT_ID,
        F("sentence_id", "string", "The sentence of the mention.", nullable=False),
        F("name_as_written", "string", "The name as written, in the source script.", nullable=False),
        F("status", "string", "Status stated in this mention.", enum=STATUSES),
        F("start", "integer", "Start offset of the name in the decoded Simplified text.", nullable=False),
        F("end", "integer", "End offset of the name in the decoded Simplified text.", nullable=False),
    ),
    ("report_id", "start"),
    (("report_id", "reports", "report_id"), ("project_id", "projects", "project_id"), ("sentence_id", "sentences", "sentence_id")),
)

TABLES: dict[str, Table] = {t.name: t for t in (REPORTS, SENTENCES, INDICATORS, PROJECTS, PROJECT_MENTIONS,
                                                 INDICATOR_CATALOG, TARGET_OUTCOMES)}


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [
            pa.field(f.name, TYPES[f.type][0], nullable=f.nullable, metadata={"description": f.description})
            for f in table.fields
        ],
        metadata={"table": table.name, "description": table.description, "primary_key": ",".join(table.primary_key)},
    )


def csv_header(table: Table) -> list[str]:
    return table.columns


def empty_frame(table: Table) -> pd.DataFrame:
    return conform(pd.DataFrame({c: [] for c in table.columns}), table)


def conform(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Columns in registry order with registry dtypes; raises on a missing or extra column."""
    missing = [c for c in table.columns if c not in df.columns]
    extra = [c for c in df.columns if c not in table.columns]
    if missing or extra:
        raise ValueError(f"table {table.name}: missing columns {missing}, unexpected columns {extra}")
    out = df[table.columns].copy()
    for f in table.fields:
        dtype = TYPES[f.type][2]
        if f.type == "date":
            out[f.name] = pd.to_datetime(out[f.name], errors="coerce").dt.date.astype(object)
            out[f.name] = out[f.name].where(out[f.name].notna(), None)
        elif f.type == "list":
            out[f.name] = out[f.name].map(lambda v: list(v) if v is not None else [])
        else:
            out[f.name] = out[f.name].astype(dtype)
    return out.reset_index(drop=True)


def to_arrow(df: pd.DataFrame, table: Table) -> pa.Table:
    return pa.Table.from_pandas(conform(df, table), schema=arrow_schema(table), preserve_index=False)


def frictionless_schema(table: Table, fmt: str = "csv") -> dict:
    """The Table Schema of a table's CSV or Parquet file. In Parquet a list column is a real
    list, which Frictionless reads as a numpy array that its `array` type refuses: `any`."""
    fields = []
    for f in table.fields:
        ftype = "any" if fmt == "parquet" and f.type == "list" else TYPES[f.type][1]
        entry = {"name": f.name, "type": ftype, "description": f.description}
        constraints = {}
        if not f.nullable:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if f.unique:
            constraints["unique"] = True
        if f.minimum is not None:
            constraints["minimum"] = f.minimum
        if f.maximum is not None:
            constraints["maximum"] = f.maximum
        if constraints:
            entry["constraints"] = constraints
        fields.append(entry)
    schema = {"fields": fields, "primaryKey": list(table.primary_key), "missingValues": [""]}
    fks = [
        {"fields": [col], "reference": {"resource": ref, "fields": [ref_col]}}
        for col, ref, ref_col in table.foreign_keys
    ]
    if fks:
        schema["foreignKeys"] = fks
    return schema


def schema_fingerprint() -> str:
    """Changes exactly when a table, column, type or key changes (descriptions excluded)."""
    shape = {
        t.name: {"fields": [[f.name, f.type] for f in t.fields], "pk": list(t.primary_key)}
        for t in TABLES.values()
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def data_dictionary_markdown() -> str:
    lines = ["# Data dictionary", "", "Generated from `pipelines/registry.py`; do not edit by hand.", ""]
    for t in TABLES.values():
        lines += [f"## {t.name}", "", t.description, "", f"Primary key: `{', '.join(t.primary_key)}`", ""]
        lines += ["| column | type | required | description |", "|---|---|---|---|"]
        for f in t.fields:
            desc = f.description + (f" One of: {', '.join(f.enum)}." if f.enum else "")
            if f.minimum is not None or f.maximum is not None:
                desc += f" Between {f.minimum if f.minimum is not None else '-'} and {f.maximum if f.maximum is not None else '-'}."
            lines.append(f"| {f.name} | {f.type} | {'yes' if not f.nullable else ''} | {desc} |")
        lines.append("")
    return "\n".join(lines)
