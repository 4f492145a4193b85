"""The cluster profile's configuration and how `cgr build` cuts runs for it (no services needed;
`make test-cluster` runs the profile itself)."""

import pytest
import yaml

from assets.build import _split
from assets.cluster import CLUSTER_DIR, celery_config, executor_for, resources_config
from pipelines.settings import Settings


@pytest.mark.parametrize("keys, parts, expected", [
    ([], 2, []),
    (["a"], 2, [["a"]]),
    (["a", "b", "c", "d", "e"], 1, [["a", "b", "c", "d", "e"]]),
    (["a", "b", "c", "d", "e"], 2, [["a", "b", "c"], ["d", "e"]]),
    (["a", "b"], 4, [["a"], ["b"]]),
])
def test_neighbouring_reports_are_cut_into_one_run_per_slot(keys, parts, expected):
    assert _split(keys, parts) == expected


def test_the_cluster_instance_uses_postgres_a_queue_and_the_celery_executor():
    conf = yaml.safe_load((CLUSTER_DIR / "dagster.yaml").read_text())
    assert conf["storage"]["postgres"]["postgres_db"]["scheme"] == "postgresql+psycopg2"
    assert conf["storage"]["postgres"]["postgres_db"]["hostname"] == "127.0.0.1"
    assert conf["run_coordinator"]["class"] == "QueuedRunCoordinator" and conf["run_coordinator"]["config"]["max_concurrent_runs"] >= 1
    assert celery_config()["broker"].startswith("redis://127.0.0.1:")
    assert executor_for("local").name == "in_process"
    pytest.importorskip("dagster_celery")
    assert executor_for("cluster").name == "celery_executor"


def test_a_submitted_run_carries_the_submitting_builds_settings(tmp_path):
    s = Settings.from_env({"CGR_DATA_DIR": str(tmp_path), "SOURCE_DATE_EPOCH": "5"})
    conf = resources_config(s)
    assert conf["cgr"]["config"]["data_dir"] == str(tmp_path) and conf["cgr"]["config"]["source_date_epoch"] == 5
    assert conf["io_manager"]["config"]["base_dir"] == str(tmp_path / "assets")
