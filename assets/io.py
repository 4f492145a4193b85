"""Parquet IO manager: every stage output persists under CGR_DATA_DIR/assets, so later runs
reuse it. Partitioned inputs always arrive as a dict keyed by report_id (also with one
partition), and partitions with no stored output (refused reports) are skipped."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
from dagster import ConfigurableIOManager, InputContext, OutputContext

from pipelines import settings

PER_REPORT_ASSETS = ("raw_report", "decoded_report", "segmented_report", "extracted_report_row", "extracted_indicators", "extracted_mentions")


def storage_root() -> Path:
    return settings.data_dir() / "assets"


def partition_path(asset: str, report_id: str) -> Path:
    return storage_root() / asset / f"{report_id}.parquet"


def drop_report_outputs(report_id: str) -> None:
    """Forget every stored stage output of a report (refused or removed)."""
    for asset in PER_REPORT_ASSETS:
        partition_path(asset, report_id).unlink(missing_ok=True)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


class ParquetIOManager(ConfigurableIOManager):
    base_dir: str = ""

    def _root(self) -> Path:
        return Path(self.base_dir) if self.base_dir else storage_root()

    def _path(self, asset: str, partition: str | None) -> Path:
        return self._root() / asset / (f"{partition}.parquet" if partition else "all.parquet")

    def handle_output(self, context: OutputContext, obj) -> None:
        if obj is None:
            return
        asset = context.asset_key.path[-1]
        partition = context.partition_key if context.has_partition_key else None
        if isinstance(obj, pd.DataFrame):
            write_parquet(obj, self._path(asset, partition))
            context.add_output_metadata({"rows": len(obj), "path": str(self._path(asset, partition))})

    def load_input(self, context: InputContext):
        asset = context.asset_key.path[-1]
        if context.has_asset_partitions:
            keys = context.asset_partition_keys
            out = {}
            for key in keys:
                path = self._path(asset, key)
                if path.exists():
                    out[key] = pd.read_parquet(path)
            if context.has_partition_key and context.partition_key in keys and len(keys) == 1 and not _wants_dict(context):
                return out.get(context.partition_key)
            return out
        path = self._path(asset, None)
        return pd.read_parquet(path) if path.exists() else None


def _wants_dict(context: InputContext) -> bool:
    """Combined (unpartitioned) assets read all partitions as a dict even when there is one."""
    return not context.has_partition_key


def clear_all(root: Path | None = None) -> None:
    shutil.rmtree(root or storage_root(), ignore_errors=True)
