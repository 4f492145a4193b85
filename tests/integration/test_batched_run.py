"""The seeds' first build as one batched report run: each report keeps its own materialisation
with its own metadata (the UI's one partition per report), and the run's bookkeeping grows with
its steps, not with reports x steps (issue 19)."""

import hashlib
import os
from collections import Counter

import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance


@pytest.fixture(scope="module")
def instance(built_site):
    root, _ = built_site
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(root / "data" / "dagster_home")
    yield DagsterInstance.get()
    if previous is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = previous


def _latest(instance, asset: str) -> dict:
    records = instance.fetch_materializations(AssetRecordsFilter(asset_key=AssetKey(asset)), limit=10000).records
    return {r.partition_key: r.asset_materialization.metadata for r in records}


def test_each_report_has_its_own_materialisation_and_metadata(built_site, instance):
    root, result = built_site
    raw = _latest(instance, "raw_report")
    assert set(raw) >= set(result.processed)
    for key in result.processed:
        path = root / "reports" / raw[key]["file"].value
        assert raw[key]["sha256"].value == hashlib.sha256(path.read_bytes()).hexdigest()
    indicators = _latest(instance, "extracted_indicators")
    assert {k for k in indicators if "rows" in indicators[k]} >= set(result.processed)
    assert len({indicators[k]["rows"].value for k in result.processed}) > 1  # per report, not one value for the batch


def test_a_batched_run_plans_each_asset_once(instance):
    runs = [r.dagster_run for r in instance.get_run_records() if r.dagster_run.job_name == "report_job"
            and "dagster/asset_partition_range_start" in r.dagster_run.tags]
    assert runs, "the seeds were built in one batched run"
    kinds = Counter(e.dagster_event.event_type_value for e in instance.all_logs(runs[0].run_id) if e.dagster_event)
    assert kinds["ASSET_MATERIALIZATION_PLANNED"] == 6  # one per per-report asset, whatever the number of reports
