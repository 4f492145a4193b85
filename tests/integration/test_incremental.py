"""Drop a report, get a release: the reports-folder sensor and the automation that follows it,
evaluated in process against a real instance (what `dagster dev` does on its ticks)."""

import json
import shutil

import pytest

from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def site(site_copy):
    root, reports = site_copy, site_copy / "reports"
    from dagster import DagsterInstance, evaluate_automation_conditions

    from assets.definitions import build_defs

    defs = build_defs()

    instance = DagsterInstance.get()
    # the automation's first evaluation only records where things stand
    first = evaluate_automation_conditions(defs=defs, instance=instance)
    assert first.total_requested == 0
    state = {"sensor_cursor": None, "automation_cursor": first.cursor}
    return {"root": root, "reports": reports, "releases": root / "releases", "instance": instance, "defs": defs, "state": state}


def tick(site) -> list[str]:
    """One sensor tick and what follows it: the requested runs, then the automation's runs.
    Returns the partitions of the report runs launched."""
    from dagster import build_sensor_context, evaluate_automation_conditions

    from assets.sensors import reports_folder_sensor

    instance, defs, state = site["instance"], site["defs"], site["state"]
    ctx = build_sensor_context(instance=instance, cursor=state["sensor_cursor"], definitions=defs, resources={"cgr": defs.resources["cgr"]})
    result = reports_folder_sensor(ctx)
    state["sensor_cursor"] = result.cursor
    for request in result.dynamic_partitions_requests:
        if type(request).__name__ == "AddDynamicPartitionsRequest":
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    launched = []
    for run in result.run_requests:
        job = defs.resolve_job_def(run.job_name)
        assert job.execute_in_process(instance=instance, partition_key=run.partition_key, tags=run.tags, raise_on_error=False).success
        if run.partition_key:
            launched.append(run.partition_key)
    follow = evaluate_automation_conditions(defs=defs, instance=instance, cursor=state["automation_cursor"])
    state["automation_cursor"] = follow.cursor
    if follow.total_requested:
        defs.resolve_job_def("release_job").execute_in_process(instance=instance, raise_on_error=False)
    return launched


PER_REPORT_KEYS = ("raw_report", "decoded_report", "segmented_report", "extracted_report_row", "extracted_indicators", "extracted_mentions")


def materialisations(instance) -> dict[int, tuple[str, str]]:
    """storage id -> (asset, partition) for every per-report materialisation in the event log."""
    from dagster import AssetKey, AssetRecordsFilter

    out = {}
    for name in PER_REPORT_KEYS:
        result = instance.fetch_materializations(AssetRecordsFilter(asset_key=AssetKey(name)), limit=10000)
        out.update({r.storage_id: (name, r.partition_key) for r in result.records})
    return out


def index(site) -> dict:
    return json.loads((site["releases"] / "index.json").read_text())


def test_quiet_folder_requests_nothing(site):
    assert tick(site) == [] and tick(site) == []
    assert index(site)["latest"] == "v1.0.0"


def test_a_dropped_report_runs_alone_and_publishes_a_minor(site):
    source = sorted(site["reports"].glob("001_*.txt"))[0]
    new = site["reports"] / "101_dropped.txt"
    # written under a temporary name and renamed in: the sensor never sees a half-written file
    partial = site["reports"] / "101_dropped.txt.part"
    partial.write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    before = materialisations(site["instance"])
    assert tick(site) == []  # a .part file is not a report
    partial.rename(new)
    assert tick(site) == []  # first sight: wait one tick for size and mtime to settle
    assert tick(site) == ["101_dropped"]
    done = {v for k, v in materialisations(site["instance"]).items() if k not in before}
    assert {p for _, p in done} == {"101_dropped"}  # the other five partitions were not re-executed
    assert {a for a, _ in done} == set(PER_REPORT_KEYS)
    assert index(site)["latest"] == "v1.1.0"
    import pandas as pd

    assert len(pd.read_parquet(site["releases"] / "v1.1.0" / "reports.parquet")) == 6
    assert "added: 101_dropped" in (site["releases"] / "v1.1.0" / "CHANGELOG.md").read_text()


def test_a_changed_report_reruns_and_publishes_a_patch(site):
    path = site["reports"] / "101_dropped.txt"
    text = path.read_text(encoding="gb18030")
    path.write_bytes(text.replace("2024年,", "2024年,全区").encode("gb18030"))
    assert tick(site) == []
    assert tick(site) == ["101_dropped"]
    assert index(site)["latest"] == "v1.1.1"
    assert "changed (new sha256): 101_dropped" in (site["releases"] / "v1.1.1" / "CHANGELOG.md").read_text()


def test_a_removed_report_leaves_the_next_release(site):
    (site["reports"] / "101_dropped.txt").unlink()
    assert tick(site) == []
    assert index(site)["latest"] == "v1.2.0"
    import pandas as pd

    reports = pd.read_parquet(site["releases"] / "v1.2.0" / "reports.parquet")
    assert len(reports) == 5 and "101_dropped" not in set(reports["report_id"])
    assert "removed: 101_dropped" in (site["releases"] / "v1.2.0" / "CHANGELOG.md").read_text()


def test_a_file_still_being_written_is_not_picked_up(site):
    """Written in place (no rename): read only once size and mtime hold still for a tick."""
    import os
    import time

    source = sorted(site["reports"].glob("004_*.txt"))[0].read_text(encoding="utf-8")
    path = site["reports"] / "102_slow_copy.txt"
    half = len(source) // 2
    path.write_bytes(source[:half].encode("gb18030"))
    assert tick(site) == []  # first sight
    with open(path, "ab") as fh:  # the copy goes on
        fh.write(source[half:].encode("gb18030"))
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert tick(site) == []  # changed since the last tick: still waiting
    assert tick(site) == ["102_slow_copy"]  # unchanged for a tick: complete
    import pandas as pd

    latest = index(site)["latest"]
    assert latest == "v1.3.0"
    reports = pd.read_parquet(site["releases"] / latest / "reports.parquet").set_index("report_id")
    from pipelines.decoded.stage import decode_report

    assert reports.loc["102_slow_copy", "n_chars"] == len(decode_report(path.read_bytes(), path.name).text)  # the whole file
