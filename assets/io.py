"""Stage storage: every per-report layer object (raw, decoded, segmented, extracted) is kept
under CGR_DATA_DIR/assets/<asset>/<report_id>.pickle, so a later run reuses it; the combined
tables are Parquet. Partitioned inputs always arrive as a dict keyed by report_id (also with
one partition), and partitions with no stored output (refused reports) are skipped."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pandas as pd
from dagster import ConfigurableIOManager, InputContext, OutputContext

PER_REPORT_ASSETS = ("raw_report", "decoded_report", "segmented_report", "extracted_report_row", "extracted_indicators", "extracted_mentions")


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def drop_report_outputs(root: Path, report_id: str) -> None:
    """Forget every stored layer of a report (refused or removed)."""
    for asset in PER_REPORT_ASSETS:
        (root / asset / f"{report_id}.pickle").unlink(missing_ok=True)


def clear_all(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)


class StageIOManager(ConfigurableIOManager):
    base_dir: str

    def _path(self, asset: str, partition: str | None) -> Path:
        return Path(self.base_dir) / asset / (f"{partition}.pickle" if partition else "all.parquet")

    def handle_output(self, context: OutputContext, obj) -> None:
        if obj is None:
            return
        asset = context.asset_key.path[-1]
        partition = context.partition_key if context.has_partition_key else None
        path = self._path(asset, partition)
        if partition is not None:
            _atomic_write(path, lambda tmp: tmp.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)))
        elif isinstance(obj, pd.DataFrame):
            _atomic_write(path, lambda tmp: obj.to_parquet(tmp, index=False))
            context.add_output_metadata({"rows": len(obj), "path": str(path)})

    def load_input(self, context: InputContext):
        asset = context.asset_key.path[-1]
        if context.has_asset_partitions:
            out = {}
            for key in context.asset_partition_keys:
                path = self._path(asset, key)
                if path.exists():
                    out[key] = pickle.loads(path.read_bytes())
            if context.has_partition_key:  # a per-report asset reading its own partition
                return out.get(context.partition_key)
            return out  # a combined asset reads every partition, as a dict even when there is one
        path = self._path(asset, None)
        return pd.read_parquet(path) if path.exists() else None
