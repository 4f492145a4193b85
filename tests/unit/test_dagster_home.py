"""A DAGSTER_HOME of the user's own is used with its dagster.yaml, never overwritten."""

from pathlib import Path

from pipelines.settings import Settings

CUSTOM_YAML = """# the user's instance: no queue, runs start at once
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: DefaultRunCoordinator
"""


def test_a_custom_dagster_home_keeps_its_own_dagster_yaml(tmp_path, monkeypatch):
    from dagster import DagsterInstance

    from assets.build import dagster_home

    home = tmp_path / "my-home"
    home.mkdir()
    (home / "dagster.yaml").write_text(CUSTOM_YAML)
    settings = Settings.from_env({"DAGSTER_HOME": str(home), "CGR_DATA_DIR": str(tmp_path / "data")})
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for _ in range(2):  # every build calls it: the second must not overwrite either
        assert dagster_home(settings) == home
    assert (home / "dagster.yaml").read_text() == CUSTOM_YAML
    assert not (tmp_path / "data" / "dagster_home").exists()
    with DagsterInstance.get() as instance:
        assert instance.root_directory == str(home)
        assert type(instance.run_coordinator).__name__ != "QueuedRunCoordinator"  # the repo's yaml queues


def test_the_projects_own_home_gets_the_profiles_yaml(tmp_path, monkeypatch):
    from assets.build import PROFILE_YAML, dagster_home

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    settings = Settings.from_env({"CGR_DATA_DIR": str(tmp_path / "data")})
    home = dagster_home(settings)
    assert home == tmp_path / "data" / "dagster_home"
    assert (home / "dagster.yaml").read_bytes() == Path(PROFILE_YAML["local"]).read_bytes()
