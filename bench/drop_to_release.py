"""Drop-to-release time (issue 8): `dagster dev` (the `make ui` launcher) running on a copy of the
seeds, one new report renamed into the reports folder, and the seconds until the release that
includes it is listed in index.json. The sensors tick every 5 s (reports) and 10 s (automation).

    python bench/drop_to_release.py     # writes bench/results/drop_to_release.json
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def latest(releases: Path) -> str | None:
    try:
        return json.loads((releases / "index.json").read_text())["latest"]
    except (OSError, ValueError, KeyError):
        return None


def measure(timeout: float = 300) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "seeds", root / "reports")
        env = dict(os.environ, CGR_REPORTS_DIR=str(root / "reports"), CGR_DATA_DIR=str(root / "data"),
                   CGR_RELEASES_DIR=str(root / "releases"), CGR_UI_PORT=str(free_port()))
        subprocess.run([sys.executable, "-m", "assets.cli", "build"], env=env, cwd=ROOT, check=True, capture_output=True)
        before = latest(root / "releases")
        proc = subprocess.Popen([sys.executable, "-m", "assets.ui"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            time.sleep(20)  # webserver and daemon up, first ticks done
            source = sorted((root / "reports").glob("001_*.txt"))[0]
            staged = root / "reports" / ".incoming.tmp"
            staged.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
            t0 = time.monotonic()
            staged.rename(root / "reports" / "900_dropped.txt")
            while latest(root / "releases") == before and time.monotonic() - t0 < timeout:
                time.sleep(0.5)
            seconds = time.monotonic() - t0
            after = latest(root / "releases")
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return {
        "what": "seconds from renaming a new report into CGR_REPORTS_DIR to its release in index.json, dagster dev running",
        "seconds": round(seconds, 1), "released": after != before, "release": after,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }


if __name__ == "__main__":
    result = measure()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "drop_to_release.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
