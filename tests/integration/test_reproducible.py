"""Reproducible releases: the same inputs, code and time give the same bytes in any folder."""

import json
import os
import shutil

import pytest

from pipelines.release.clock import release_inputs, release_time
from pipelines.release.stage import publish
from pipelines.release.store import read_sums
from pipelines.release.writer import ReleaseTables
from pipelines.raw.stage import scan_reports


def test_the_release_time_is_the_newest_input_when_source_date_epoch_is_unset(built_site):
    root, result = built_site
    entry = json.loads((result.path / "release.json").read_text(encoding="utf-8"))
    expected = release_time(int(os.environ["SOURCE_DATE_EPOCH"]) if os.environ.get("SOURCE_DATE_EPOCH") else None,
                            release_inputs(scan_reports(root / "reports").reports.values()))
    assert entry["created"] == expected.isoformat()
    package = json.loads((result.path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"] == entry["created"]


def test_a_second_build_in_another_folder_gives_the_same_release(built_site, tmp_path, monkeypatch):
    """The whole pipeline again, elsewhere: the copied reports keep their mtimes (copytree copies
    them), so the release time and every byte agree without SOURCE_DATE_EPOCH."""
    from assets.build import build

    root, first = built_site
    shutil.copytree(root / "reports", tmp_path / "reports")
    for name, sub in (("CGR_REPORTS_DIR", "reports"), ("CGR_DATA_DIR", "data"), ("CGR_RELEASES_DIR", "releases")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    second = build(log=lambda *a: None)
    assert second.published and second.version == first.version
    assert (second.path / "SHA256SUMS").read_bytes() == (first.path / "SHA256SUMS").read_bytes()
    for name in read_sums(first.path):
        assert (second.path / name).read_bytes() == (first.path / name).read_bytes(), name


def test_two_publications_in_different_folders_give_identical_files(built_site, tmp_path):
    root, result = built_site
    gate = json.loads((result.path / "validation.json").read_text(encoding="utf-8"))
    rejected = json.loads((result.path / "rejected.json").read_text(encoding="utf-8"))
    now = release_time(1_700_000_000, [])
    folders = []
    for name in ("first", "second"):
        staged = tmp_path / name / "staged"
        shutil.copytree(root / "data" / "assets" / "tables", staged)
        out = publish(ReleaseTables.from_staged(staged), gate, rejected, tmp_path / name / "releases", now=now)
        assert out.published and out.version == "v1.0.0"
        folders.append(out.path)
    first, second = folders
    sums = read_sums(first)
    assert sums == read_sums(second) and (first / "SHA256SUMS").read_bytes() == (second / "SHA256SUMS").read_bytes()
    for name in sums:  # the bytes themselves, not only the list
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert json.loads((first / "release.json").read_text(encoding="utf-8"))["created"] == "2023-11-14T22:13:20+00:00"


@pytest.mark.parametrize("epoch, inputs, expected", [
    (0, [], "1970-01-01T00:00:00+00:00"),
    (1_700_000_000, ["a.txt"], "2023-11-14T22:13:20+00:00"),  # the variable wins over the files
    (None, [], "1970-01-01T00:00:00+00:00"),
])
def test_release_time(tmp_path, epoch, inputs, expected):
    paths = [tmp_path / n for n in inputs]
    for p in paths:
        p.write_text("x")
    assert release_time(epoch, paths).isoformat() == expected


def test_release_time_without_the_variable_is_the_newest_report_or_sidecar(tmp_path):
    report, sidecar, other = tmp_path / "a.txt", tmp_path / "a.yaml", tmp_path / "b.txt"
    for p, t in ((report, 1_000_000), (sidecar, 3_000_000), (other, 2_000_000)):
        p.write_text("x")
        os.utime(p, (t, t))
    assert release_inputs([report, other]) == [report, sidecar, other]
    assert release_time(None, release_inputs([report, other])).timestamp() == 3_000_000
