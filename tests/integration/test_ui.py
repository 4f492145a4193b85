"""The Dagster UI for real: `make ui`'s launcher on a free localhost port against a temporary
instance, queried over GraphQL and driven in headless Chromium (Debian's, via Playwright).

The screenshot is kept in tests/artifacts/ (ignored by git). Without a browser the browser test
is skipped with the reason printed; `.ci/run` installs Debian's chromium so CI runs it."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(SEEDS, root / "reports")
    env = dict(os.environ, CGR_REPORTS_DIR=str(root / "reports"), CGR_DATA_DIR=str(root / "data"),
               CGR_RELEASES_DIR=str(root / "releases"), CGR_UI_PORT=str(free_port()))
    built = subprocess.run([sys.executable, "-m", "assets.cli", "build"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    log = open(root / "dagster-dev.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "assets.ui"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    port = int(env["CGR_UI_PORT"])
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if graphql(port, "{ version }"):
                break
        except OSError:
            pass
        assert proc.poll() is None, (root / "dagster-dev.log").read_text()[-3000:]
        time.sleep(1)
    else:
        pytest.fail("dagster dev did not answer within 180 s")
    yield {"port": port, "root": root}
    os.killpg(proc.pid, signal.SIGTERM)  # the launcher reset the handlers: SIGTERM stops it
    try:
        proc.wait(timeout=60)
        stopped = True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        stopped = False
    log.close()
    assert stopped, "dagster dev ignored SIGTERM"


REPOSITORY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  sensors { name sensorState { status } }
  assetNodes { assetKey { path } groupName description isPartitioned hasAssetChecks }
} } } }"""


def test_graphql_lists_the_assets_checks_and_running_sensors(server):
    repo = graphql(server["port"], REPOSITORY)["repositoriesOrError"]["nodes"][0]
    assets = {"/".join(a["assetKey"]["path"]): a for a in repo["assetNodes"]}
    from tests.test_architecture import SNAPSHOT

    assert set(assets) == set(SNAPSHOT["assets"])  # the UI shows the definitions' assets
    assert all(a["description"] for a in assets.values())
    assert assets["decoded_report"]["isPartitioned"] and not assets["release"]["isPartitioned"]
    assert assets["indicators"]["hasAssetChecks"] and assets["indicators"]["groupName"] == "validated"
    assert {s["name"]: s["sensorState"]["status"] for s in repo["sensors"]} == {"reports_folder": "RUNNING", "release_automation": "RUNNING"}
    partitions = graphql(server["port"], '{ partitionSetsOrError: assetNodeOrError(assetKey: {path: ["raw_report"]}) '
                                         '{ ... on AssetNode { partitionKeys } } }')
    assert len(partitions["partitionSetsOrError"]["partitionKeys"]) == 5


def _successful_runs(port: int) -> int:
    data = graphql(port, '{ runsOrError(filter: {statuses: [SUCCESS]}) { ... on Runs { results { runId } } } }')
    return len(data["runsOrError"]["results"])


@pytest.mark.browser
def test_materialise_the_release_from_the_asset_graph(server):
    if CHROMIUM is None:
        msg = "no chromium on this machine (apt-get install chromium); the UI was checked over GraphQL only"
        print(f"\nSKIPPED: {msg}")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    port = server["port"]
    before = _successful_runs(port)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/asset-groups", wait_until="networkidle")
        page.get_by_role("button", name="Materialize all").wait_for(timeout=60_000)
        groups = page.get_by_text("release", exact=True)
        node = [groups.nth(i) for i in range(groups.count()) if groups.nth(i).is_visible()][-1]
        node.dblclick()  # the collapsed group node opens on the release asset, selected
        page.get_by_role("button", name="Materialize selected").click()
        deadline = time.monotonic() + 180
        while _successful_runs(port) == before and time.monotonic() < deadline:
            time.sleep(2)
        page.goto(f"http://127.0.0.1:{port}/assets/release", wait_until="networkidle")
        page.get_by_text("version", exact=True).first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "release-asset.png"), full_page=True)
        browser.close()
    assert _successful_runs(port) > before, "the materialisation launched from the UI did not succeed"
    assert (ARTIFACTS / "release-asset.png").stat().st_size > 10_000
