"""The table files of a release, written batch by batch: every table of the registry as Parquet
(one row group per batch) and as CSV appended once and hashed while it is written. Nothing
holds a whole table: memory grows with the batch, not with the number of reports.

The CSV digests are the release's content fingerprint (no second rendering of the CSVs)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .. import registry

CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
#: what a staged folder records about its files (rows and CSV digests), read back by publish
WRITTEN = "tables.json"


def _neutralise(value):
    """A CSV cell starting with = + - @ would run as a formula in a spreadsheet: prefix a quote.
    Numbers are typed columns and never touched."""
    if isinstance(value, str) and value.startswith(CSV_DANGEROUS):
        return "'" + value
    return value


def csv_text(df: pd.DataFrame, table: registry.Table, header: bool = True) -> str:
    """Rows of a conformed frame as RFC 4180 text (CRLF), lists space-joined, formula-like cells
    neutralised; with or without the header line."""
    out = df.copy()
    for f in table.fields:
        if f.type == "list":
            out[f.name] = out[f.name].map(lambda v: " ".join(v))
        if f.type in ("string", "list"):
            out[f.name] = out[f.name].astype(object).map(_neutralise)
    buf = io.StringIO()
    out.to_csv(buf, index=False, header=registry.csv_header(table) if header else False, lineterminator="\r\n")
    return buf.getvalue()


def csv_bytes(df: pd.DataFrame, table: registry.Table) -> bytes:
    """A whole table's CSV (UTF-8 with BOM): what the streaming writer produces in one batch."""
    return csv_text(registry.conform(df, table), table).encode("utf-8-sig")


@dataclass
class WrittenTable:
    name: str
    rows: int
    csv_sha256: str


def relaxed_schema(schema: pa.Schema) -> pa.Schema:
    """The same schema with every field nullable: a staged table keeps a null in a required
    column for the gate to report, instead of failing the write."""
    return pa.schema([f.with_nullable(True) for f in schema], metadata=schema.metadata)


class TableFiles:
    """`<table>.parquet` and `<table>.csv` of one registry table, appended batch by batch
    (`relaxed`: every column nullable, for a staged folder)."""

    def __init__(self, folder: Path, table: registry.Table, relaxed: bool = False):
        self.table, self.folder, self.rows = table, folder, 0
        self.schema = relaxed_schema(registry.arrow_schema(table)) if relaxed else registry.arrow_schema(table)
        self.parquet: pq.ParquetWriter | None = None  # opened on the first rows (their pandas metadata)
        self.csv = open(folder / f"{table.name}.csv", "wb")
        self.sha = hashlib.sha256()
        self._csv_write(csv_text(registry.conform(pd.DataFrame(columns=table.columns), table), table).encode("utf-8-sig"))

    def _csv_write(self, data: bytes) -> None:
        self.csv.write(data)
        self.sha.update(data)

    def append(self, df: pd.DataFrame) -> None:
        if df is None or not len(df):
            return
        df = registry.conform(df, self.table)
        arrow = pa.Table.from_pandas(df, schema=self.schema, preserve_index=False)
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.folder / f"{self.table.name}.parquet", arrow.schema, compression="zstd")
        self.parquet.write_table(arrow)
        self._csv_write(csv_text(df, self.table, header=False).encode("utf-8"))
        self.rows += len(df)

    def close(self) -> WrittenTable:
        self.csv.close()
        if self.parquet is None:  # no rows: the schema alone
            try:
                empty = pa.Table.from_pandas(registry.empty_frame(self.table), schema=self.schema, preserve_index=False)
            except (pa.ArrowException, TypeError, ValueError):  # a list column cannot come from an empty frame
                empty = self.schema.empty_table()
            pq.write_table(empty, self.folder / f"{self.table.name}.parquet", compression="zstd")
        else:
            self.parquet.close()
        return WrittenTable(self.table.name, self.rows, self.sha.hexdigest())


def write_tables(folder: Path, batches: Iterable[dict[str, pd.DataFrame]], staged: bool = False) -> dict[str, WrittenTable]:
    """Every registry table into `folder` from batches in order (a batch holds some tables' next
    rows); a table no batch names is written empty. `staged`: a folder the gates read and a
    release copies later: every column nullable, rows and digests kept in tables.json."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: TableFiles(folder, table, relaxed=staged) for name, table in registry.TABLES.items()}
    try:
        for batch in batches:
            for name, df in batch.items():
                files[name].append(df)
    finally:
        written = {name: f.close() for name, f in files.items()}
    if staged:
        (folder / WRITTEN).write_text(json.dumps({n: asdict(w) for n, w in written.items()}, indent=2), encoding="utf-8")
    return written


def content_fingerprint(written: dict[str, WrittenTable]) -> str:
    """What the published data is: the CSV digests of every table (16 hex digits)."""
    h = hashlib.sha256()
    for name in registry.TABLES:
        h.update(f"{name} {written[name].csv_sha256}\n".encode())
    return h.hexdigest()[:16]


@dataclass
class ReleaseTables:
    """A release's tables without holding them: `reports` in full (one row per report), and
    either a way to produce every table batch by batch in report order, or a folder where
    write_tables already wrote them (the pipeline's staged tables), copied as they are."""

    reports: pd.DataFrame
    batches: Callable[[], Iterator[dict[str, pd.DataFrame]]] | None = None
    staged: Path | None = None

    @classmethod
    def of(cls, tables: "dict[str, pd.DataFrame] | ReleaseTables") -> "ReleaseTables":
        """Tables held in memory (local runs, tests) are one batch."""
        if isinstance(tables, ReleaseTables):
            return tables
        return cls(registry.conform(tables["reports"], registry.TABLES["reports"]), lambda: iter([tables]))

    @classmethod
    def from_staged(cls, folder: Path) -> "ReleaseTables":
        return cls(pd.read_parquet(folder / "reports.parquet"), staged=folder)

    def write(self, out: Path) -> dict[str, WrittenTable]:
        if self.staged is None:
            return write_tables(out, self.batches())
        recorded = json.loads((self.staged / WRITTEN).read_text(encoding="utf-8"))
        for name, table in registry.TABLES.items():
            shutil.copyfile(self.staged / f"{name}.csv", out / f"{name}.csv")
            restrict(self.staged / f"{name}.parquet", out / f"{name}.parquet", table)
        return {name: WrittenTable(**recorded[name]) for name in registry.TABLES}


def restrict(src: Path, dst: Path, table: registry.Table) -> None:
    """A staged table's Parquet with the registry's required columns, row group by row group
    (a gated table has no null there; a cast would refuse one)."""
    staged = pq.ParquetFile(src)
    schema = pa.schema(list(registry.arrow_schema(table)), metadata=staged.schema_arrow.metadata)
    with pq.ParquetWriter(dst, schema, compression="zstd") as writer:
        for i in range(staged.num_row_groups):
            writer.write_table(staged.read_row_group(i).cast(schema))


def key_hashes(path: Path, key: list[str]) -> "pd.Series":
    """A 64-bit hash per row of a table's key columns, read column-wise from its Parquet file
    (a few bytes per row, so two releases' keys compare without holding their strings)."""
    parts = []
    for batch in pq.ParquetFile(path).iter_batches(columns=key, batch_size=200_000):
        frame = batch.to_pandas()[key].astype(str)
        parts.append(pd.util.hash_pandas_object(frame, index=False))
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="uint64")
