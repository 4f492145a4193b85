"""Damaged release stores: an unreadable index is rebuilt from the version folders, a folder
that does not match its SHA256SUMS is noticed, and a change of the refused files alone
gives a PATCH release (so every refusal appears in some rejected.json)."""

import json

import pytest

from pipelines.release.stage import next_version, reconcile_index
from pipelines.release.store import read_index, sha256_file, verify_release


def _release(releases, version, files=None):
    folder = releases / version
    folder.mkdir(parents=True)
    entry = {"version": version, "schema_fingerprint": "s", "content_fingerprint": "c", "report_ids": ["a"], "rejected": []}
    (folder / "release.json").write_text(json.dumps(entry))
    for name, text in (files or {"a.csv": "x\n"}).items():
        (folder / name).write_text(text)
    sums = [f"{sha256_file(p)}  {p.name}" for p in sorted(folder.iterdir())]
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    return entry


@pytest.mark.parametrize("damage", ['{"latest": "v1.1.0", "relea', "", "[]", '{"latest": null}', "\x00\x00"])
def test_an_unreadable_index_is_rebuilt_from_the_version_folders(tmp_path, monkeypatch, damage):
    import pipelines.release.stage as stage

    monkeypatch.setattr(stage, "write_catalog", lambda releases, index: None)  # the catalog has its own tests
    releases = tmp_path / "releases"
    _release(releases, "v1.0.0")
    _release(releases, "v1.1.0")
    (releases / "v1.x.0").mkdir()  # a stray folder is no version
    (releases / "index.json").write_text(damage)
    index = read_index(releases)
    assert index["latest"] == "v1.1.0" and [r["version"] for r in index["releases"]] == ["v1.0.0", "v1.1.0"]
    reconcile_index(releases)  # the next publication writes it back
    written = json.loads((releases / "index.json").read_text())
    assert written["latest"] == "v1.1.0" and "rebuilt" not in written


def test_verify_release_names_changed_missing_and_unlisted_files(tmp_path):
    releases = tmp_path / "releases"
    _release(releases, "v1.0.0", {"a.csv": "x\n", "b.csv": "y\n", "c.csv": "z\n"})
    folder = releases / "v1.0.0"
    assert verify_release(folder) == []
    (folder / "a.csv").write_text("X\n")
    (folder / "b.csv").unlink()
    (folder / "extra.txt").write_text("?")
    assert verify_release(folder) == ["a.csv changed", "b.csv is missing", "extra.txt is not listed"]
    (folder / "SHA256SUMS").unlink()
    assert verify_release(folder) == ["SHA256SUMS is missing or unreadable"]


def test_next_version_for_refusals_alone_and_for_a_damaged_latest():
    index = {"latest": "v1.2.0", "releases": [{"version": "v1.2.0", "schema_fingerprint": "s", "content_fingerprint": "c",
                                                "report_ids": ["a"], "rejected": ["x.txt"]}]}
    assert next_version(index, "s", ["a"], "c", ["x.txt"]) == (None, "nothing changed since v1.2.0")
    assert next_version(index, "s", ["a"], "c", ["x.txt", "y.txt"])[0] == "v1.2.1"
    assert next_version(index, "s", ["a"], "c", [])[0] == "v1.2.1"  # a refusal that went away
    assert next_version(index, "s", ["a"], "c", ["x.txt"], damaged=True) == ("v1.2.1", "v1.2.0 does not verify against its SHA256SUMS")
    assert next_version(index, "s", ["a", "b"], "c", ["x.txt"])[0] == "v1.3.0"
