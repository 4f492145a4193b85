"""One built site for the integration tests: the seeds built once per session through the
Dagster instance (`cgr build`), and a fresh copy of it (reports, data with the instance, and
releases) for each test module that goes on building from there."""

import shutil
from pathlib import Path

import pytest

from tests.conftest import SEEDS


def _env(root: Path) -> dict[str, str]:
    return {"CGR_REPORTS_DIR": str(root / "reports"), "CGR_DATA_DIR": str(root / "data"), "CGR_RELEASES_DIR": str(root / "releases")}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """(root folder, the first build's result): seeds built once, never modified."""
    root = tmp_path_factory.mktemp("built-site")
    shutil.copytree(SEEDS, root / "reports")
    mp = pytest.MonkeyPatch()
    for k, v in _env(root).items():
        mp.setenv(k, v)
    from assets.build import build

    result = build(log=lambda *a: None)
    mp.undo()
    assert result.ok and result.published, result
    return root, result


@pytest.fixture(scope="module")
def site_copy(built_site, tmp_path_factory):
    """A private copy of the built site with the environment pointing at it: a module may add,
    change or remove reports and build again. Yields the copy's root folder."""
    source, _ = built_site
    root = tmp_path_factory.mktemp("site")
    for name in ("reports", "data", "releases"):
        shutil.copytree(source / name, root / name, symlinks=True)
    mp = pytest.MonkeyPatch()
    for k, v in _env(root).items():
        mp.setenv(k, v)
    mp.setenv("DAGSTER_HOME", str(root / "data" / "dagster_home"))
    yield root
    mp.undo()
