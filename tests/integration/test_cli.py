"""`cgr` as a user meets it: every listed mistake gives a one- or two-line message naming the
thing and the cause, with the exit code documented in `--help`, and never a traceback."""

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import GOLD, ROOT, SEEDS


def cgr(*args, env=None, cwd=None, timeout=600):
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "assets.cli", *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd or ROOT, timeout=timeout)


def _short_error(run, code: int, *words: str) -> None:
    assert run.returncode == code, (run.returncode, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2 and "Traceback" not in run.stderr, run.stderr
    for w in words:
        assert w in run.stderr, (w, run.stderr)


def test_help_documents_exit_codes_and_the_environment():
    for args in ((), ("build",), ("download",)):
        out = cgr(*args, "--help").stdout
        assert "exit codes:" in out and "  1    the validation gate" in out and "  2    bad input" in out and "CGR_UI_PORT" in out


def test_version():
    run = cgr("--version")
    assert run.returncode == 0 and run.stdout.startswith("cgr (cn-gov-reports) ")


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_build_on_a_missing_or_empty_folder_says_so_and_creates_nothing(tmp_path, make):
    reports = tmp_path / "reports"
    if make == "empty":
        reports.mkdir()
        (reports / "notes.csv").write_text("not a report")
    run = cgr("build", env={"CGR_REPORTS_DIR": str(reports), "CGR_DATA_DIR": "data", "CGR_RELEASES_DIR": "releases"}, cwd=tmp_path)
    _short_error(run, 2, str(reports), "does not exist" if make == "missing" else "no report files")
    assert sorted(p.name for p in tmp_path.iterdir()) == (["reports"] if make == "empty" else [])


def test_decode_a_missing_file():
    _short_error(cgr("decode", "/missing.txt"), 2, "/missing.txt", "no such file")


def test_a_malformed_setting_is_named():
    _short_error(cgr("decode", str(next(SEEDS.glob("*.txt"))), env={"CGR_MAX_REPORT_BYTES": "lots"}), 2, "CGR_MAX_REPORT_BYTES", "whole number")


@pytest.mark.parametrize("env,words", [
    ({"CGR_MAX_REPORT_BYTES": "20MB"}, ("CGR_MAX_REPORT_BYTES", "whole number")),
    ({"CGR_MAX_REPORT_BYTES": "-1"}, ("CGR_MAX_REPORT_BYTES", "greater than 0")),
    ({"CGR_UI_PORT": "99999"}, ("CGR_UI_PORT", "at most 65535")),
    ({"CGR_DATA_DIR": "afile"}, ("CGR_DATA_DIR", "is a file")),
    ({"CGR_RELEASES_DIR": "afile/releases"}, ("CGR_RELEASES_DIR", "which is a file")),
])
def test_build_checks_every_setting_once_at_start_and_creates_nothing(tmp_path, env, words):
    (tmp_path / "afile").write_text("")
    run = cgr("build", env={"CGR_REPORTS_DIR": str(SEEDS), "CGR_DATA_DIR": "data", "CGR_RELEASES_DIR": "releases", **env}, cwd=tmp_path)
    _short_error(run, 2, "cgr build:", *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_damaged_instance_database_is_named_and_an_emptied_one_noticed(tmp_path, monkeypatch):
    """The instance check alone (no run): a damaged SQLite file stops the build with one line
    naming it; an emptied one is a warning."""
    reports, data = tmp_path / "reports", tmp_path / "data"
    reports.mkdir()
    (reports / "a.txt").write_text("某区政府工作报告\n", encoding="utf-8")
    runs_db = data / "dagster_home" / "history" / "runs.db"
    runs_db.parent.mkdir(parents=True)
    runs_db.write_bytes(b"not a database " * 100)
    run = cgr("build", env={"CGR_REPORTS_DIR": str(reports), "CGR_DATA_DIR": str(data), "CGR_RELEASES_DIR": str(tmp_path / "releases")})
    _short_error(run, 2, str(runs_db), "is damaged", "move the folder")
    runs_db.write_bytes(b"")  # emptied: a valid, empty database
    from assets.build import open_instance
    from pipelines.settings import Settings

    said = []
    settings = Settings(reports_dir=reports, data_dir=data, releases_dir=tmp_path / "releases")
    monkeypatch.setenv("DAGSTER_HOME", str(data / "dagster_home"))  # open_instance sets it: restored after the test
    open_instance(settings, {"a": {"raw": "x"}}, said.append)
    assert len(said) == 1 and "no run history" in said[0] and str(data / "dagster_home") in said[0]


def test_evaluate_with_a_wrong_gold_folder_release_or_version(tmp_path):
    _short_error(cgr("evaluate", str(tmp_path / "nope")), 2, "not a gold folder")
    _short_error(cgr("evaluate", str(GOLD), "v9.9.9", env={"CGR_RELEASES_DIR": str(tmp_path)}), 2, "no release v9.9.9")
    _short_error(cgr("evaluate", str(GOLD), str(tmp_path)), 2, "not a release folder")
    _short_error(cgr("evaluate", str(GOLD), env={"CGR_RELEASES_DIR": str(tmp_path / "none")}), 2, "no release in")


@pytest.fixture(scope="module")
def site(built_site):
    root, _ = built_site
    return root


def test_releases_into_a_closed_pipe_ends_quietly(site):
    proc = subprocess.Popen([sys.executable, "-m", "assets.cli", "releases", "--store", str(site / "releases")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    proc.stdout.close()  # `| head` that read nothing
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err and "BrokenPipe" not in err, err


def test_store_is_the_folder_holding_releases_or_the_releases_folder(site, tmp_path):
    for store in (site, site / "releases"):
        run = cgr("releases", "--store", str(store), "--json")
        assert run.returncode == 0 and json.loads(run.stdout)[0]["version"] == "v1.0.0", run.stderr
    _short_error(cgr("releases", "--store", str(tmp_path)), 2, str(tmp_path), "not a release store")


def test_a_second_download_says_skipped_not_verified(site, tmp_path):
    first = cgr("download", "--store", str(site), "--to", str(tmp_path), "--table", "reports")
    again = cgr("download", "--store", str(site), "--to", str(tmp_path), "--table", "reports")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert "downloaded and verified" in first.stdout and "skipped" not in first.stdout
    assert "0 files downloaded" in again.stdout and "skipped" in again.stdout
    assert (tmp_path / "v1.0.0" / "README.html").exists() and (tmp_path / "v1.0.0" / "DATA_LICENSE.md").exists()
    _short_error(cgr("download", "v7", "--store", str(site), "--to", str(tmp_path)), 2, "unknown version 'v7'")


def test_build_json_and_quiet(site_copy):
    run = cgr("build", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["ok"] and not result["published"] and result["processed"] == [] and "nothing changed" in result["message"]
    quiet = cgr("-q", "build")
    assert quiet.returncode == 0 and quiet.stdout.strip().splitlines() == [l for l in quiet.stdout.strip().splitlines() if l.startswith("no new release")]


def test_ui_with_its_port_taken_exits_with_a_message(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "assets.ui"], capture_output=True, text=True, timeout=60, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "CGR_UI_PORT": str(port), "CGR_DATA_DIR": str(tmp_path / "data")})
    assert run.returncode != 0 and f"port {port}" in run.stderr and "CGR_UI_PORT" in run.stderr
    assert len(run.stderr.strip().splitlines()) <= 2 and "Traceback" not in run.stderr
