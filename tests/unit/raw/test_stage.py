"""The raw layer on hostile folders: links, non-files, unreadable files, sidecars that are not
files, and duplicates decided by content history. Nothing outside the folder is read."""

import errno
import os

import pytest

from pipelines.errors import ReportRejected
from pipelines.raw.ledger import Ledger
from pipelines.raw.stage import read_raw, read_report_bytes, scan_reports, sha256_bytes

TEXT = "某区2023年政府工作报告\n地区生产总值完成120.5亿元。\n".encode("utf-8")


@pytest.fixture
def folders(tmp_path):
    reports, outside = tmp_path / "reports", tmp_path / "outside"
    reports.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(TEXT)
    (outside / "secret.yaml").write_text("title: 外部\n", encoding="utf-8")
    return reports, outside


def test_links_folders_and_pipes_are_refused_by_the_scan(folders):
    reports, outside = folders
    (reports / "a.txt").write_bytes(TEXT)
    (reports / "link.txt").symlink_to(outside / "secret.txt")
    (reports / "inside_link.txt").symlink_to(reports / "a.txt")  # every link, even one that stays inside
    (reports / "dangling.txt").symlink_to(outside / "none.txt")
    (reports / "folder.txt").mkdir()
    os.mkfifo(reports / "pipe.txt")
    (reports / "notes").mkdir()  # a folder without a report's suffix: not looked at
    scan = scan_reports(reports)
    assert list(scan.reports) == ["a"]
    reasons = {r["source_file"]: r["reason"] for r in scan.refused}
    assert set(reasons) == {"link.txt", "inside_link.txt", "dangling.txt", "folder.txt", "pipe.txt"}
    assert all("symbolic link" in reasons[n] for n in ("link.txt", "inside_link.txt", "dangling.txt"))
    assert "a folder" in reasons["folder.txt"] and "not a regular file" in reasons["pipe.txt"]


def test_a_link_swapped_in_after_the_scan_is_not_followed(folders):
    reports, outside = folders
    (reports / "a.txt").symlink_to(outside / "secret.txt")
    with pytest.raises(ReportRejected, match="symbolic link"):
        read_report_bytes(reports / "a.txt", 1000)


@pytest.mark.parametrize("make,words", [
    (lambda p, o: p.symlink_to(o / "secret.yaml"), "the sidecar is a symbolic link"),
    (lambda p, o: p.mkdir(), "the sidecar is a folder"),
    (lambda p, o: os.mkfifo(p), "the sidecar is not a regular file"),
    (lambda p, o: p.write_text("review_year: 30000\n"), "must be less than or equal to 2100"),
])
def test_a_sidecar_that_is_not_a_good_file_refuses_its_report(folders, make, words):
    reports, outside = folders
    (reports / "a.txt").write_bytes(TEXT)
    make(reports / "a.yaml", outside)
    with pytest.raises(ReportRejected) as info:
        read_raw("a", reports / "a.txt", 10_000)
    assert info.value.source == "a.yaml" and words in info.value.reason


@pytest.mark.parametrize("error,words", [
    (PermissionError(errno.EACCES, "Permission denied"), "cannot be read (permission denied)"),
    (OSError(errno.EIO, "Input/output error"), "cannot be read (Input/output error)"),
    (FileNotFoundError(errno.ENOENT, "No such file"), "disappeared before it could be read"),
])
def test_an_unreadable_file_is_refused_with_the_reason(folders, monkeypatch, error, words):
    reports, _ = folders
    (reports / "a.txt").write_bytes(TEXT)

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, "open", fails)
    with pytest.raises(ReportRejected) as info:
        read_report_bytes(reports / "a.txt", 10_000)
    assert info.value.source == "a.txt" and words in info.value.reason


def test_a_file_over_the_limit_is_refused_before_it_is_read(folders):
    reports, _ = folders
    with open(reports / "big.txt", "wb") as fh:
        fh.truncate(10_001)
    with pytest.raises(ReportRejected, match="over the size limit of 10,000 bytes \\(CGR_MAX_REPORT_BYTES\\)"):
        read_report_bytes(reports / "big.txt", 10_000)


def test_duplicates_the_published_report_keeps_its_id_whatever_the_names(folders):
    reports, _ = folders
    (reports / "m_original.txt").write_bytes(TEXT)
    (reports / "a_copy.txt").write_bytes(TEXT)  # sorts first
    scan = scan_reports(reports)
    digest = sha256_bytes(TEXT)
    # no history: the first name is kept
    read_raw("a_copy", reports / "a_copy.txt", 10_000, scan)
    with pytest.raises(ReportRejected, match="first by name"):
        read_raw("m_original", reports / "m_original.txt", 10_000, scan)
    # m_original was published with these bytes: it keeps them, the copy is refused
    history = {"m_original": digest}
    assert read_raw("m_original", reports / "m_original.txt", 10_000, scan, history).source_sha256 == digest
    with pytest.raises(ReportRejected) as info:
        read_raw("a_copy", reports / "a_copy.txt", 10_000, scan, history)
    assert "the same bytes as m_original.txt" in info.value.reason and "already accepted" in info.value.reason
    assert info.value.depends_on == {"m_original.txt": digest}


def test_a_refusal_is_re_examined_when_what_it_depends_on_changes_or_goes(folders, tmp_path):
    reports, _ = folders
    (reports / "orig.txt").write_bytes(TEXT)
    (reports / "copy.txt").write_bytes(TEXT)
    (reports / "bad.txt").write_bytes(b"")
    ledger = Ledger(tmp_path / "data")
    ledger.record_rejection("copy", "copy.txt", "a duplicate", depends_on={"orig.txt": sha256_bytes(TEXT)})
    ledger.record_rejection("bad", "bad.txt", "empty")
    paths = scan_reports(reports).reports
    assert ledger.to_reexamine(paths) == []
    (reports / "orig.txt").write_bytes(TEXT + b"\n")
    assert ledger.to_reexamine(paths) == ["copy"]
    (reports / "orig.txt").unlink()
    assert ledger.to_reexamine(paths) == ["copy"]
    ledger.record_rejection("bad", "bad.txt", "the segmented_report step failed", retry=True)
    assert ledger.to_reexamine(paths) == ["bad", "copy"]
    assert ledger.to_reexamine(paths, retry=False) == ["copy"]


def test_damaged_ledger_files_read_as_empty(tmp_path):
    ledger = Ledger(tmp_path)
    ledger.manifest_path.write_text('{"a": {"raw": "x"')  # truncated by a kill
    ledger.release_state_path.write_text("")
    ledger.rejections_dir.mkdir()
    (ledger.rejections_dir / "a.json").write_text("{")
    assert ledger.load_manifest() == {} and ledger.load_release_state() is None and ledger.load_rejections(["a"]) == []
