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
from tests.integration.browser import CHROMIUM, chromium_tab

ARTIFACTS = Path(__file__).parent / "artifacts"


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
    for option in ("version", "--table", "--format", "--to", "--store", "--timeout", "--quiet"):
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
        ARTIFACTS.mkdir(exist_ok=True)
        with chromium_tab(1200, 900) as tab:
            failed = []
            tab.on("requestfailed", lambda request: failed.append(request.url))
            tab.goto(f"{url}/index.html", wait_until="networkidle")
            assert tab.locator("svg rect").count() > 0
            hrefs = tab.eval_on_selector_all("a", "els => els.map(e => e.href)")
            assert len(hrefs) == len([h for h in links.hrefs])
            tab.screenshot(path=str(ARTIFACTS / "catalog.png"), full_page=True)
        assert not failed, failed


# --- a hostile store: names that leave --to, bodies that never end or stall -------------------

import threading  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402


@contextlib.contextmanager
def hostile_server(folder: Path, endless: set[str] = frozenset(), stall: set[str] = frozenset(), seconds: float = 10.0):
    """A threaded HTTP server on 127.0.0.1 serving `folder`, except that the paths in `endless`
    send a body without a length that never ends (cut after `seconds`), and those in `stall`
    send their true length, 100 bytes, then nothing (for `seconds`). Bounded either way."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args):
            pass

        def _head(self) -> bytes | None:
            path = folder / self.path.lstrip("/")
            if not path.is_file():
                self.send_error(404)
                return None
            body = path.read_bytes()
            self.send_response(200)
            if self.path not in endless:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return body

        def do_HEAD(self):
            self._head()

        def do_GET(self):
            body = self._head()
            if body is None:
                return
            try:
                if self.path in endless:
                    deadline = time.monotonic() + seconds
                    while not stop.is_set() and time.monotonic() < deadline:
                        self.wfile.write(b"x" * 65536)
                elif self.path in stall:
                    self.wfile.write(body[:100])
                    self.wfile.flush()
                    stop.wait(seconds)
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _no_partials(folder: Path) -> bool:
    return not [p for p in folder.rglob("*") if ".part" in p.name]


def test_a_body_that_never_ends_is_cut_at_the_listed_size(store, tmp_path):
    from pipelines.release.download import DownloadError, download, open_store

    out = tmp_path / "out"
    with hostile_server(store, endless={"/v1.1.0/indicators.csv"}) as url:
        with pytest.raises(DownloadError, match=r"indicators.csv is larger than the \d+ bytes listed for it; stopped"):
            download(open_store(url, timeout=5), "latest", ["indicators"], "csv", out, progress=False)
    assert not (out / "v1.1.0" / "indicators.csv").exists() and _no_partials(out)
    assert (out / "v1.1.0" / "datapackage.json").exists()  # the files before it are kept, verified


def test_an_unlisted_file_is_cut_at_the_size_the_store_reports_or_the_cap(store, tmp_path, monkeypatch):
    import pipelines.release.download as d

    monkeypatch.setattr(d, "MAX_UNLISTED_BYTES", 1 << 20)
    out = tmp_path / "out"
    with hostile_server(store, endless={"/v1.1.0/indicators.parquet"}) as url:
        with pytest.raises(d.DownloadError, match="larger than the 1048576 bytes"):
            d.download(d.open_store(url, timeout=5), "latest", ["indicators"], "parquet", out, progress=False)
    assert not (out / "v1.1.0" / "indicators.parquet").exists() and _no_partials(out)


def test_a_stalled_body_ends_with_a_timeout_line(store, tmp_path):
    out = tmp_path / "out"
    with hostile_server(store, stall={"/v1.1.0/reports.csv"}, seconds=60) as url:
        t0 = time.monotonic()
        result = cgr("download", "--table", "reports", "--format", "csv", "--timeout", "1", "--store", url, "--to", str(out))
        took = time.monotonic() - t0
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "reading v1.1.0/reports.csv failed (no data within the read timeout)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and took < 45  # not the server's 60 s
    assert not (out / "v1.1.0" / "reports.csv").exists() and _no_partials(out)


HOSTILE_INDEXES = [
    ({"latest": "../../x", "releases": [{"version": "../../x", "created": "", "row_counts": {"reports": 1}}]}, "malformed version '../../x'"),
    ({"latest": "v1.0.0/../../x", "releases": [{"version": "v1.0.0/../../x", "created": ""}]}, "malformed version"),
    ({"latest": "/etc", "releases": [{"version": "/etc", "created": ""}]}, "malformed version '/etc'"),
    ({"latest": "v1.0.0\x00", "releases": [{"version": "v1.0.0\x00", "created": ""}]}, "malformed version"),
    ({"latest": "v1.0.0", "releases": [{"version": "v1.0.0", "created": "", "row_counts": {"../etc": 1}}]}, "unknown table '../etc'"),
    ({"latest": "v1.0.0", "releases": [{"version": "v1.0.0", "created": "", "row_counts": {"reports\\..\\x": 1}}]}, "unknown table"),
    ({"latest": "v9.9.9", "releases": [{"version": "v1.0.0", "created": ""}]}, "names 'v9.9.9' as latest"),
    ({"latest": None, "releases": {"v1.0.0": {}}}, "is not a release index"),
    ([1, 2], "is not a release index"),
]


@pytest.mark.parametrize("index,message", HOSTILE_INDEXES, ids=range(len(HOSTILE_INDEXES)))
def test_a_hostile_index_is_refused_before_any_path_is_made(tmp_path, index, message):
    from pipelines.release.download import DownloadError, download, open_store, read_index

    served = tmp_path / "deep" / "store"
    served.mkdir(parents=True)
    (served / "index.json").write_text(json.dumps(index), encoding="utf-8")
    out = tmp_path / "deep" / "to"
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(DownloadError, match=message):
        download(open_store(served), "latest", None, "all", out, progress=False)
    with pytest.raises(DownloadError, match=message):
        read_index(open_store(served))  # `cgr releases` reads it the same way
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_a_hostile_index_gives_one_line_and_exit_2(tmp_path):
    served = tmp_path / "store"
    served.mkdir()
    (served / "index.json").write_text(json.dumps(HOSTILE_INDEXES[0][0]), encoding="utf-8")
    for command in (["download", "--to", str(tmp_path / "to")],):  # `cgr releases` reads it the same way (above)
        result = cgr(*command, "--store", str(served))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [f"cgr {command[0]}: {served}: index.json lists a malformed version '../../x' "
                                                      "(a version is vX.Y.Z); refusing to read this store"]
    assert not (tmp_path.parent / "x").exists()


def test_a_version_folder_that_links_out_of_to_is_refused(store, tmp_path):
    from pipelines.release.download import DownloadError, download, open_store

    outside, out = tmp_path / "outside", tmp_path / "to"
    outside.mkdir()
    out.mkdir()
    (out / "v1.1.0").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DownloadError, match="outside"):
        download(open_store(store), "latest", ["reports"], "csv", out, progress=False)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("name", ["../x", "a/b", "a\\b", "/etc/passwd", "..", ".hidden", "a\x00b", "", "x" * 300, "é.csv"])
def test_unsafe_file_names_are_refused(name):
    from pipelines.release.download import DownloadError, safe_name

    with pytest.raises(DownloadError, match="unsafe file name"):
        safe_name(name, "store")


@pytest.mark.parametrize("name", ["reports.csv", "datapackage.json", "README.html", "SHA256SUMS", "project_mentions.parquet"])
def test_release_file_names_are_safe(name):
    from pipelines.release.download import safe_name

    assert safe_name(name, "store") == name


@pytest.mark.parametrize("line", ["0" * 64 + "  ../../evil", "0" * 64 + "  /etc/passwd", "0" * 64 + "  docs/../../x", "0" * 64 + "  a\\b"])
def test_a_checksum_list_naming_paths_out_of_the_folder_is_refused(store, tmp_path, line):
    from pipelines.release.download import DownloadError, download, open_store

    served = tmp_path / "served"
    shutil.copytree(store, served)
    sums = served / "v1.1.0" / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(DownloadError, match="SHA256SUMS lists an unsafe file name"):
        download(open_store(served), "latest", ["reports"], "csv", tmp_path / "to", progress=False)
    assert not (tmp_path / "to" / "v1.1.0" / "SHA256SUMS").exists()
