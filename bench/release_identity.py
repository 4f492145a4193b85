"""Check that this tree publishes the same data as another commit (default: the branch point
of the scaling work, eb1e7b5) on the same folder: every CSV byte-identical and every Parquet
table equal (values and schema; row groups may differ).

    python bench/release_identity.py [--ref COMMIT] [--folder seeds] [--folder tests/fixtures/corpus]

Each tree builds in its own process (tables_for_folder, the gates, publish with a fixed
date); exit 1 and the differing files named when anything differs."""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BUILD = r"""
import datetime as dt, sys
from pathlib import Path
from pipelines.local import tables_for_folder
from pipelines.release.stage import publish
from expectations.gate import run_gate
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
tables, rejected = tables_for_folder(folder)
gates = {name: run_gate(name, tables[name], tables) for name in tables}
gate = {"passed": all(g.passed for g in gates.values()), "tables": [g.to_json() for g in gates.values()]}
r = publish(tables, gate, rejected, out, now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
print(r.version, r.reason)
"""

#: this tree: the same gates, and the tables streamed two reports per batch
BUILD_STREAMED = r"""
import datetime as dt, sys
from pathlib import Path
from pipelines.local import layers_for_folder
from pipelines.release.stage import publish
from pipelines.release.writer import ReleaseTables
from pipelines.validated.stage import combine, table_batches
from expectations.gate import run_gate
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
extracted, segmented, rejected = layers_for_folder(folder)
tables = combine(extracted, segmented)
gates = {name: run_gate(name, tables[name], tables) for name in tables}
gate = {"passed": all(g.passed for g in gates.values()), "tables": [g.to_json() for g in gates.values()]}
load = lambda keys: ({k: extracted[k] for k in keys}, {k: segmented[k] for k in keys if k in segmented})
streamed = ReleaseTables(tables["reports"], lambda: table_batches(list(extracted), load, batch_size=2))
r = publish(streamed, gate, rejected, out, now=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
print(r.version, r.reason)
"""


def build(src: Path, folder: Path, out: Path, script: str = BUILD) -> Path:
    run = subprocess.run([sys.executable, "-c", script, str(folder), str(out)], cwd=src, capture_output=True, text=True,
                         env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})
    if run.returncode != 0:
        raise SystemExit(f"build in {src} failed: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else run.returncode}")
    return next(out.glob("v*"))


def compare(ref: Path, new: Path) -> list[str]:
    import pyarrow.parquet as pq

    diffs = []
    for path in sorted(ref.glob("*.csv")):
        other = new / path.name
        if not other.exists() or hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(other.read_bytes()).digest():
            diffs.append(f"{path.name}: bytes differ")
    for path in sorted(ref.glob("*.parquet")):
        other = new / path.name
        a, b = pq.read_table(path), pq.read_table(other) if other.exists() else None
        if b is None or not a.equals(b) or not a.schema.equals(b.schema, check_metadata=True):
            diffs.append(f"{path.name}: tables differ")
    extra = {p.name for p in new.glob("*.csv")} - {p.name for p in ref.glob("*.csv")}
    diffs += [f"{n}: not in the reference" for n in sorted(extra)]
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="eb1e7b5")
    ap.add_argument("--folder", action="append", type=Path)
    args = ap.parse_args()
    folders = args.folder or [ROOT / "seeds"]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "ref-src"
        src.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.ref], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        for k, folder in enumerate(folders):
            ref = build(src, folder.resolve(), tmp / f"ref-{k}")
            new = build(ROOT, folder.resolve(), tmp / f"new-{k}", BUILD_STREAMED)
            diffs = compare(ref, new)
            print(f"{folder}: " + ("identical (CSV bytes, Parquet tables)" if not diffs else "DIFFERENT"))
            for d in diffs:
                print(f"  {d}")
            failed |= bool(diffs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
