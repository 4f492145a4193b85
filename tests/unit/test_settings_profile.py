"""SOURCE_DATE_EPOCH, CGR_PROFILE and a user's DAGSTER_HOME, read once into Settings."""

import pytest

from pipelines.settings import Settings, SettingsError, set_dagster_home


def test_source_date_epoch_is_read_and_checked():
    assert Settings.from_env({}).source_date_epoch is None
    assert Settings.from_env({"SOURCE_DATE_EPOCH": "1700000000"}).source_date_epoch == 1_700_000_000
    for bad in ("yesterday", "-5", "1.5"):
        with pytest.raises(SettingsError, match="SOURCE_DATE_EPOCH"):
            Settings.from_env({"SOURCE_DATE_EPOCH": bad})


def test_profile_is_local_unless_cluster_is_asked_for(tmp_path):
    assert Settings.from_env({"CGR_DATA_DIR": str(tmp_path)}).dagster_home == tmp_path / "dagster_home"
    cluster = Settings.from_env({"CGR_DATA_DIR": str(tmp_path), "CGR_PROFILE": "cluster"})
    assert cluster.profile == "cluster" and cluster.dagster_home == tmp_path / "cluster" / "dagster_home"
    with pytest.raises(SettingsError, match="CGR_PROFILE"):
        Settings.from_env({"CGR_PROFILE": "kubernetes"})


def test_a_dagster_home_set_by_the_user_is_kept_one_set_by_this_process_is_not(tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    assert Settings.from_env({"DAGSTER_HOME": str(mine)}).dagster_home == mine
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    ours = tmp_path / "data" / "dagster_home"
    set_dagster_home(ours)  # a build in this process pointed Dagster at its own instance
    other = Settings.from_env({"DAGSTER_HOME": str(ours), "CGR_DATA_DIR": str(tmp_path / "other")})
    assert other.custom_dagster_home is None and other.dagster_home == tmp_path / "other" / "dagster_home"


def test_a_child_process_does_not_take_its_parents_own_home_for_a_custom_one(tmp_path):
    parent_home = str(tmp_path / "parent" / "dagster_home")
    child = Settings.from_env({"DAGSTER_HOME": parent_home, "CGR_OWN_DAGSTER_HOME": parent_home,
                               "CGR_DATA_DIR": str(tmp_path / "child")})
    assert child.custom_dagster_home is None and child.dagster_home == tmp_path / "child" / "dagster_home"
