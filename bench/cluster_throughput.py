"""Throughput of `cgr build` (issue 20): a fresh build of a folder of reports (default the
corpus fixtures) in the local profile and, when `make cluster-up` has started it, the cluster
profile; reports per second of the per-report runs and the release run's time, for
docs/scaling.md.

    python bench/cluster_throughput.py [--profile local|cluster|both] [--reports DIR]
    # writes bench/results/cluster_throughput.json (one entry per profile measured)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def measure(profile: str, reports: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"cgr-throughput-{profile}-") as tmp:
        root = Path(tmp)
        shutil.copytree(reports, root / "reports")
        env = {**os.environ, "CGR_PROFILE": profile, "CGR_REPORTS_DIR": str(root / "reports"),
               "CGR_DATA_DIR": str(root / "data"), "CGR_RELEASES_DIR": str(root / "releases"),
               "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(ROOT)}
        env.pop("DAGSTER_HOME", None)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "assets.cli", "build", "--json"], env=env, cwd=root,
                             capture_output=True, text=True)
        if out.returncode not in (0, 1):  # 1: a gate blocked the release; the runs were still made
            raise SystemExit(f"{profile} build failed:\n{out.stderr[-2000:]}")
        wall = time.perf_counter() - t0
        # Dagster's code server may log after the JSON: read the first object only
        result, _ = json.JSONDecoder().raw_decode(out.stdout[out.stdout.index("{"):])
        n = len(result["processed"])
        return {"profile": profile, "reports": n, "wall_seconds": round(wall, 1),
                "report_seconds": result["report_seconds"], "release_seconds": result["release_seconds"],
                "reports_per_minute": round(60 * n / result["report_seconds"], 1) if result["report_seconds"] else None,
                "published": result["published"], "gate_failures": len(result["gate_failures"]), "sha256sums": (root / "releases" / result["version"] / "SHA256SUMS").read_text()
                if result["version"] else None}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", choices=("local", "cluster", "both"), default="both")
    ap.add_argument("--reports", type=Path, default=ROOT / "tests" / "fixtures" / "corpus")
    ap.add_argument("--workers", type=int, default=2, help="the workers `make cluster-up` started (recorded only)")
    args = ap.parse_args()
    runs = [measure(p, args.reports) for p in (("local", "cluster") if args.profile == "both" else (args.profile,))]
    same = len({x["sha256sums"] for x in runs}) == 1 and runs[0]["sha256sums"] is not None
    for r in runs:
        r["sha256sums_identical_across_profiles"] = same if len(runs) == 2 else None
    for r in runs:
        r.pop("sha256sums")
        r["workers"] = args.workers if r["profile"] == "cluster" else 1
    entry = {"date": time.strftime("%Y-%m-%d"), "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)", "runs": runs}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "cluster_throughput.json"
    history = json.loads(path.read_text()) if path.exists() else []
    history.append(entry)
    path.write_text(json.dumps(history, indent=2) + "\n")
    print(json.dumps(entry, indent=2))


if __name__ == "__main__":
    main()
