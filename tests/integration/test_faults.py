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

from pipelines.release.store import read_sums

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


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """Two `cgr build` started on the seeds at once; the site they made (a clean build)."""
    root = tmp_path_factory.mktemp("two-builds")
    reports = root / "reports"
    shutil.copytree(SEEDS, reports)
    env = dict(os.environ, CGR_REPORTS_DIR=str(reports), CGR_DATA_DIR=str(root / "data"), CGR_RELEASES_DIR=str(root / "releases"))
    cmd = [sys.executable, "-m", "assets.cli", "build"]
    first = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)
    second = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out1, _ = first.communicate(timeout=600)
    out2, _ = second.communicate(timeout=600)
    return root, first.returncode, second.returncode, out1 + out2


def test_two_builds_at_once_take_turns(two_builds):
    root, code1, code2, outputs = two_builds
    assert code1 == 0 and code2 == 0, outputs
    assert "another cgr build is running" in outputs  # the second one said it waits
    assert outputs.count("published release v1.0.0") == 1
    assert "nothing changed" in outputs
    assert sorted(p.name for p in (root / "releases").glob("v*")) == ["v1.0.0"]
    assert_store_consistent(root / "releases")


#: one process that imports everything once, then forks a child per build: a trial costs the
#: build, not the imports, and the child is killed with SIGKILL wherever it is
BUILDER = """
import os, sys
import assets.build, assets.definitions, expectations.gate, pipelines.release.stage  # everything a build imports
from pipelines.raw.ledger import layer_fingerprints, release_code_fingerprint
from pipelines.segmented.tokens import tokenize
# what each build would load again (the tokenizer's dictionary, the code fingerprints): loaded once
# here, inherited by every child (nothing here starts a thread, so forking is safe)
tokenize("某区"), layer_fingerprints(), release_code_fingerprint()
print("ready", flush=True)
for line in sys.stdin:
    if line.startswith("build"):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                assets.build.build(log=lambda *a: None)
            except BaseException:
                code = 1
            os._exit(code)
        print(pid, flush=True)
    else:
        _, status = os.waitpid(int(line), 0)
        print(status, flush=True)
"""


def _table_sums(folder):
    return {n: d for n, d in read_sums(folder).items() if n.endswith(".csv")}


def test_builds_killed_at_random_points_leave_verifiable_releases_and_a_rebuild_gives_the_clean_content(two_builds, tmp_path):
    """kill -9 at random points of report runs and the release run, 20 times (seeded): every
    version folder verifies after each kill, and the build after the last kill publishes the
    same tables as the clean build."""
    source = two_builds[0]
    for name in ("reports", "data", "releases"):
        shutil.copytree(source / name, tmp_path / name, symlinks=True)
    releases = tmp_path / "releases"
    clean = _table_sums(releases / "v1.0.0")
    env = dict(os.environ, CGR_REPORTS_DIR=str(tmp_path / "reports"), CGR_DATA_DIR=str(tmp_path / "data"),
               CGR_RELEASES_DIR=str(releases), DAGSTER_HOME=str(tmp_path / "data" / "dagster_home"))
    builder = subprocess.Popen([sys.executable, "-c", BUILDER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ask(line: str) -> int:
        builder.stdin.write(line + "\n")
        builder.stdin.flush()
        return int(builder.stdout.readline())

    extra = tmp_path / "reports" / "k_extra.txt"

    def change(trial: int) -> None:
        # each trial has report runs and a release run to interrupt: a new or changed report, or one removed
        if trial % 4 == 3:
            extra.unlink(missing_ok=True)
        else:
            extra.write_text(f"某区{2000 + trial}年政府工作报告\n一年来,全区地区生产总值完成{100 + trial}.5亿元,同比增长5.2%。\n",
                             encoding="utf-8")

    try:
        assert builder.stdout.readline().strip() == "ready", builder.stderr.read()
        change(0)
        t0 = time.perf_counter()
        assert ask(str(ask("build"))) == 0  # one build to the end: how long a build with work takes
        whole = time.perf_counter() - t0
        rng = random.Random(20261202)
        kills = 0
        for trial in range(1, 21):
            change(trial)
            pid = ask("build")
            time.sleep(rng.uniform(0.0, whole))  # anywhere in the report runs or the release run
            os.kill(pid, signal.SIGKILL)
            kills += os.WIFSIGNALED(ask(str(pid)))  # killed, not already finished
            assert_store_consistent(releases)
        extra.unlink(missing_ok=True)
        assert ask(str(ask("build"))) == 0  # after the last kill, a build to the end
        assert kills >= 10, "most trials should have been killed before the build finished"
    finally:
        builder.stdin.close()
        builder.wait(timeout=60)
    assert_store_consistent(releases)
    latest = json.loads((releases / "index.json").read_text())["latest"]
    assert _table_sums(releases / latest) == clean
    assert json.loads((releases / latest / "rejected.json").read_text()) == []
