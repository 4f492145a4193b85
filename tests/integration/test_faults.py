"""Fault trials (marker `faults`, run by `make test` after the main suite): two builds at once,
a publisher killed at random points, a full disk. The release store must always hold either the
old state or the new complete release."""

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A release store with v1.0.0 built without Dagster (the trials only exercise publishing)."""
    from pipelines.local import tables_for_folder
    from pipelines.release.stage import publish

    releases = tmp_path_factory.mktemp("faults") / "releases"
    tables, _ = tables_for_folder(SEEDS)
    assert publish(tables, {"passed": True, "tables": []}, [], releases).version == "v1.0.0"
    return releases


def assert_store_consistent(releases):
    """Every version folder is complete and verifies; the index names only such folders."""
    index = json.loads((releases / "index.json").read_text())
    folders = sorted(p.name for p in releases.glob("v*"))
    listed = {r["version"] for r in index["releases"]}
    assert listed <= set(folders)
    # a folder the index does not list yet: renamed into place just before a kill; it is complete
    # (checked below) and the next publication adopts it
    assert all((releases / v / "release.json").exists() for v in set(folders) - listed)
    assert index["latest"] in folders
    for name in folders:
        check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=releases / name, capture_output=True, text=True)
        assert check.returncode == 0, (name, check.stdout, check.stderr)


PUBLISHER = """
import json, sys
from pathlib import Path
import pandas as pd
from pipelines import registry
from pipelines.release.stage import publish

source, releases, drop = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
tables = {n: pd.read_parquet(source / f"{n}.parquet") for n in registry.TABLES}
tables["indicators"] = tables["indicators"].iloc[: len(tables["indicators"]) - drop]
print("ready", flush=True)
result = publish(tables, {"passed": True, "tables": []}, [], releases)
print(result.version, flush=True)
"""


def test_a_publisher_killed_at_random_points_never_leaves_a_partial_release(store):
    rng = random.Random(20261122)
    source = store / "v1.0.0"
    kills = 0
    for trial in range(1, 21):
        proc = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(source), str(store), str(trial)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.6))  # somewhere inside publish(): files, rename, index, catalog
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += proc.returncode == -signal.SIGKILL
        assert_store_consistent(store)
    assert kills >= 10, "most trials should have been killed before finishing"
    # the next publisher cleans up and publishes
    done = subprocess.run([sys.executable, "-c", PUBLISHER, str(source), str(store), "99"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not list(store.glob(".tmp-*"))
    assert_store_consistent(store)


def test_a_full_disk_gives_a_clear_error_and_keeps_the_previous_release(store, monkeypatch):
    import pipelines.release.stage as publish_module
    from pipelines import registry

    index_before = (store / "index.json").read_text()
    folders_before = sorted(p.name for p in store.iterdir())
    latest = json.loads(index_before)["latest"]
    tables = {n: pd.read_parquet(store / latest / f"{n}.parquet") for n in registry.TABLES}
    tables["indicators"] = tables["indicators"].iloc[:5]
    import pipelines.release.writer as writer_module

    real = writer_module.TableFiles.append
    written = []

    def disk_fills_up(self, df):  # the second table's rows no longer fit
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.folder))
        written.append(self.table.name)
        real(self, df)

    monkeypatch.setattr(writer_module.TableFiles, "append", disk_fills_up)
    with pytest.raises(publish_module.PublishError) as info:
        publish_module.publish(tables, {"passed": True, "tables": []}, [], store)
    message = str(info.value)
    assert "No space left on device" in message and f"{latest} is unchanged" in message
    assert (store / "index.json").read_text() == index_before
    assert sorted(p.name for p in store.iterdir()) == folders_before
    assert_store_consistent(store)


def test_two_builds_at_once_take_turns(tmp_path):
    reports = tmp_path / "reports"
    shutil.copytree(SEEDS, reports)
    env = dict(os.environ, CGR_REPORTS_DIR=str(reports), CGR_DATA_DIR=str(tmp_path / "data"), CGR_RELEASES_DIR=str(tmp_path / "releases"))
    cmd = [sys.executable, "-m", "assets.cli", "build"]
    first = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    second = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out1, _ = first.communicate(timeout=600)
    out2, _ = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, out1 + out2
    outputs = out1 + out2
    assert "another cgr build is running" in outputs  # the second one said it waits
    assert outputs.count("published release v1.0.0") == 1
    assert "nothing changed" in outputs
    assert sorted(p.name for p in (tmp_path / "releases").glob("v*")) == ["v1.0.0"]
    assert_store_consistent(tmp_path / "releases")
