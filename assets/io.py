"""Stage storage: every per-report layer object (raw, decoded, segmented, extracted) is kept
under CGR_DATA_DIR/assets/<asset>/<report_id>.pickle (a local folder, or any fsspec URL such as
s3://bucket/assets: paths are UPaths), so a later run reuses it; the dataset
tables are staged under CGR_DATA_DIR/assets/tables/ by the validated asset. The per-report
assets write each report's object as soon as it is made (a run may hold many reports), and
partitioned inputs arrive as a read-on-access mapping keyed by report_id (also with one
partition): nothing holds every report at once. Partitions with no stored output (refused
reports) are absent from the mapping."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from dagster import ConfigurableIOManager, InputContext, OutputContext
from upath import UPath

from pipelines.settings import is_remote

PER_REPORT_ASSETS = ("raw_report", "decoded_report", "segmented_report", "extracted_report_row", "extracted_indicators", "extracted_mentions")


def _atomic_write(path, write) -> None:
    """Write through a temporary and rename on a local disk; an object store's PUT is atomic
    already (and has no rename), so there the object is written directly."""
    if is_remote(path):
        write(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def store_partition(root, asset: str, report_id: str, obj) -> None:
    """One report's object of one per-report asset."""
    _atomic_write(UPath(root) / asset / f"{report_id}.pickle", lambda tmp: tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)))


def staged_tables_dir(root: Path) -> Path:
    """Where the validated asset writes the dataset tables (Parquet, CSV, tables.json)."""
    return root / "tables"


class Stored(Mapping):
    """The stored objects of one per-report asset for some reports, unpickled when read."""

    def __init__(self, root, asset: str, keys):
        self.folder = UPath(root) / asset
        self.keys_ = [k for k in keys if (self.folder / f"{k}.pickle").exists()]
        self.present = set(self.keys_)

    def __getitem__(self, key):
        if key not in self.present:
            raise KeyError(key)
        return pickle.loads((self.folder / f"{key}.pickle").read_bytes())

    def __contains__(self, key) -> bool:
        return key in self.present

    def __iter__(self):
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


def drop_report_outputs(root, report_id: str) -> None:
    """Forget every stored layer of a report (refused or removed)."""
    for asset in PER_REPORT_ASSETS:
        (UPath(root) / asset / f"{report_id}.pickle").unlink(missing_ok=True)


def clear_all(root) -> None:
    if is_remote(root):
        path = UPath(root)
        if path.exists():
            path.fs.rm(path.path, recursive=True)
        return
    shutil.rmtree(root, ignore_errors=True)


class StageIOManager(ConfigurableIOManager):
    base_dir: str

    def _path(self, asset: str, partition: str | None):
        return UPath(self.base_dir) / asset / (f"{partition}.pickle" if partition else "all.parquet")

    def handle_output(self, context: OutputContext, obj) -> None:
        if obj is None:  # per-report assets and the staged tables write their own storage
            return
        asset = context.asset_key.path[-1]
        if context.has_asset_partitions:
            raise TypeError(f"{asset}: a per-report asset stores its partitions itself (store_partition) and returns None")
        if isinstance(obj, pd.DataFrame):
            path = self._path(asset, None)
            _atomic_write(path, lambda tmp: _write_parquet(obj, tmp))
            context.add_output_metadata({"rows": len(obj), "path": str(path)})

    def load_input(self, context: InputContext):
        asset = context.asset_key.path[-1]
        if context.has_asset_partitions:
            return Stored(self.base_dir, asset, context.asset_partition_keys)
        path = self._path(asset, None)
        if not path.exists():
            return None
        with path.open("rb") as fh:
            return pd.read_parquet(fh)


def _write_parquet(df: pd.DataFrame, path) -> None:
    with path.open("wb") as fh:
        df.to_parquet(fh, index=False)
