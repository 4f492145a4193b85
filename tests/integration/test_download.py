"""Downloading releases: a release store served by `python -m http.server` on localhost, read
with `cgr releases` / `cgr download`; the catalog page checked in headless Chromium."""

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipelines.release.download import HUMAN_FILES

from tests.conftest import ROOT, SEEDS

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Two releases built without Dagster: v1.0.0 on the seeds, v1.1.0 without one report."""
    from pipelines.local import tables_for_folder
    from pipelines.release.stage import publish

    root = tmp_path_factory.mktemp("store")
    releases = root / "releases"
    tables, _ = tables_for_folder(SEEDS)
    gate = {"passed": True, "tables": []}
    assert publish(tables, gate, [], releases).version == "v1.0.0"
    keep = tables["reports"]["report_id"].iloc[1:]
    smaller = {name: df[df["report_id"].isin(keep)] if "report_id" in df else df for name, df in tables.items()}
    smaller["projects"] = smaller["projects"][smaller["projects"]["project_id"].isin(smaller["project_mentions"]["project_id"])]
    assert publish(smaller, gate, [], releases).version == "v1.1.0"
    return releases


@contextlib.contextmanager
def serve(folder: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/index.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cgr(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assets.cli", *args], capture_output=True, text=True, cwd=ROOT)


def verified(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sha256sum", "-c", "--ignore-missing", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)


def test_releases_lists_versions_over_http(store):
    with serve(store) as url:
        out = cgr("releases", "--store", url, "--json")
        table = cgr("releases", "--store", url)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["version"] for r in rows] == ["v1.1.0", "v1.0.0"]
    assert rows[0]["latest"] and not rows[1]["latest"]
    assert rows[1]["row_counts"]["reports"] == 5 and rows[0]["row_counts"]["reports"] == 4
    assert "v1.1.0 (latest)" in table.stdout


def test_download_latest_and_a_named_version(store, tmp_path):
    with serve(store) as url:
        latest = cgr("download", "--store", url, "--to", str(tmp_path))
        named = cgr("download", "v1.0.0", "--table", "indicators", "--table", "reports", "--format", "parquet", "--store", url, "--to", str(tmp_path))
    assert latest.returncode == 0 and named.returncode == 0, latest.stderr + named.stderr
    full = tmp_path / "v1.1.0"
    assert sorted(p.name for p in full.iterdir()) == sorted(p.name for p in (store / "v1.1.0").iterdir()
                                                          if p.suffix in (".csv", ".parquet") or p.name in ("datapackage.json", "SHA256SUMS", *HUMAN_FILES))
    assert verified(full).returncode == 0
    part = tmp_path / "v1.0.0"
    assert sorted(p.name for p in part.iterdir()) == sorted(["SHA256SUMS", "datapackage.json", "indicators.parquet", "reports.parquet", *HUMAN_FILES])
    check = verified(part)
    assert check.returncode == 0 and check.stdout.count(": OK") == 3 + len(HUMAN_FILES)
    for name in ("indicators.parquet", "reports.parquet"):
        assert (part / name).read_bytes() == (store / "v1.0.0" / name).read_bytes()


def test_a_file_already_present_and_verified_is_skipped(store, tmp_path):
    from pipelines.release.download import download, open_store

    first, again = [], []
    download(open_store(store), "latest", ["projects"], "csv", tmp_path, progress=False, log=first.append)
    download(open_store(store), "latest", ["projects"], "csv", tmp_path, progress=False, log=again.append)
    assert all("downloaded" in m for m in first) and all("skipped" in m for m in again) and len(again) == len(first)
    # the human-readable files come with the tables
    assert {"README.md", "README.html", "DATA_LICENSE.md", "CHANGELOG.md", "validation.html"} <= {m.split("/")[1].split(":")[0] for m in first}


def test_a_tampered_file_fails_with_the_mismatch_and_leaves_nothing(store, tmp_path):
    served = tmp_path / "served"
    shutil.copytree(store, served)
    victim = served / "v1.1.0" / "indicators.csv"
    victim.write_bytes(victim.read_bytes().replace(b"%", b"#", 1))
    out_dir = tmp_path / "out"
    with serve(served) as url:
        result = cgr("download", "--table", "indicators", "--format", "csv", "--store", url, "--to", str(out_dir))
    assert result.returncode == 2
    assert "checksum mismatch for v1.1.0/indicators.csv" in result.stderr and "removed" in result.stderr
    leftovers = sorted(p.name for p in (out_dir / "v1.1.0").iterdir())
    assert leftovers == sorted(["datapackage.json", *HUMAN_FILES])  # neither the bad file nor a temporary remains


@pytest.mark.parametrize("args,message", [
    (["v7.7.7"], "unknown version 'v7.7.7'"),
    (["--table", "nonsense"], "unknown table nonsense"),
])
def test_clear_errors_for_unknown_versions_and_tables(store, tmp_path, args, message):
    result = cgr("download", *args, "--store", str(store), "--to", str(tmp_path))
    assert result.returncode == 2 and message in result.stderr


def test_an_unreachable_store_is_named(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = cgr("download", "--store", f"http://127.0.0.1:{port}", "--to", str(tmp_path))
    assert result.returncode == 2 and f"http://127.0.0.1:{port}: cannot read index.json" in result.stderr


def test_help_documents_every_option():
    out = cgr("download", "--help").stdout
    for option in ("version", "--table", "--format", "--to", "--store", "--quiet"):
        assert option in out


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.external = [], []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                (self.external if value.startswith(("http:", "https:", "//")) else self.hrefs).append(value)


def test_catalog_links_resolve_and_it_renders_offline(store):
    page = (store / "index.html").read_text(encoding="utf-8")
    links = Links()
    links.feed(page)
    assert not links.external and "<script" not in page and "<svg" in page
    assert len(links.hrefs) > 20
    with serve(store) as url:
        for href in links.hrefs:
            with urllib.request.urlopen(f"{url}/{href}", timeout=10) as response:
                assert response.status == 200, href
        if CHROMIUM is None:
            print("\nSKIPPED browser part: no chromium on this machine (apt-get install chromium)")
            return
        from playwright.sync_api import sync_playwright

        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            failed = []
            tab.on("requestfailed", lambda request: failed.append(request.url))
            tab.goto(f"{url}/index.html", wait_until="networkidle")
            assert tab.locator("svg rect").count() > 0
            hrefs = tab.eval_on_selector_all("a", "els => els.map(e => e.href)")
            assert len(hrefs) == len([h for h in links.hrefs])
            tab.screenshot(path=str(ARTIFACTS / "catalog.png"), full_page=True)
            browser.close()
        assert not failed, failed
