"""The whole asset graph, in process, on the seeds in a temporary directory: tables against the
registry, the release folder, versioning, the gate, and extraction scores against the gold."""

import hashlib
import json
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines import registry

from tests.conftest import GOLD, ROOT, SEED_FILES


@pytest.fixture(scope="module")
def workspace(built_site, site_copy):
    from assets.build import build

    _, first = built_site
    return {"root": site_copy, "reports": site_copy / "reports", "releases": site_copy / "releases", "first": first, "build": build}


def test_first_build_publishes_v1(workspace):
    result = workspace["first"]
    assert result.ok and result.published
    assert result.version == "v1.0.0"
    assert len(result.processed) == len(SEED_FILES) and not result.refused


def test_release_folder_is_complete_and_verifiable(workspace):
    folder = workspace["releases"] / "v1.0.0"
    for name in registry.TABLES:
        assert (folder / f"{name}.parquet").exists() and (folder / f"{name}.csv").exists()
    for extra in ("datapackage.json", "SHA256SUMS", "validation.json", "validation.html", "CHANGELOG.md", "rejected.json", "README.md",
                  "README.html", "DATA_LICENSE.md", "release.json", "validation/index.html"):
        assert (folder / extra).exists(), extra
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = json.loads((workspace["releases"] / "index.json").read_text())
    assert index["latest"] == "v1.0.0"
    assert (workspace["releases"] / "index.html").exists()


def test_tables_match_the_registry(workspace):
    folder = workspace["releases"] / "v1.0.0"
    counts = {}
    for name, table in registry.TABLES.items():
        parquet = pq.read_table(folder / f"{name}.parquet")
        assert parquet.schema.names == table.columns
        assert parquet.schema.equals(registry.arrow_schema(table), check_metadata=False)
        assert parquet.schema.field(table.columns[0]).metadata[b"description"]
        with open(folder / f"{name}.csv", encoding="utf-8-sig") as fh:
            assert fh.readline().strip() == ",".join(registry.csv_header(table))
        counts[name] = parquet.num_rows
        assert pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig").shape[0] == parquet.num_rows
    assert counts["reports"] == len(SEED_FILES)
    for name in ("sentences", "indicators", "projects", "project_mentions"):
        assert counts[name] > 0, name
    print("\nrow counts:", counts)


def test_sentence_and_indicator_offsets_hold(workspace):
    from pipelines.decoded.stage import decode_file
    from pipelines.settings import DEFAULT_MAX_REPORT_BYTES

    folder = workspace["releases"] / "v1.0.0"
    sentences = pd.read_parquet(folder / "sentences.parquet")
    indicators = pd.read_parquet(folder / "indicators.parquet")
    for path in sorted(workspace["reports"].glob("*.txt")):
        text = decode_file(path, DEFAULT_MAX_REPORT_BYTES).text
        for s in sentences[sentences["report_id"] == path.stem].itertuples():
            assert text[s.start:s.end] == s.text
        for r in indicators[indicators["report_id"] == path.stem].itertuples():
            number = f"{abs(r.value):g}"
            assert number in text[r.start:r.end].replace(" ", ""), (r.indicator_id, text[r.start:r.end])


def test_datapackage_is_valid_frictionless(workspace):
    folder = workspace["releases"] / "v1.0.0"
    out = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(folder / "datapackage.json"), "--json"],
                         capture_output=True, text=True, cwd=folder)
    report = json.loads(out.stdout)
    assert report["valid"], json.dumps(report)[:2000]
    package = json.loads((folder / "datapackage.json").read_text())
    assert {s["sha256"] for s in package["sources"]} == {hashlib.sha256(p.read_bytes()).hexdigest() for p in workspace["reports"].glob("*.txt")}
    # every resource, Parquet included, carries its schema; every source its provenance
    assert all(r.get("schema", {}).get("fields") for r in package["resources"])
    assert {r["format"] for r in package["resources"]} == {"csv", "parquet"}
    assert all({"url", "publisher", "licence", "accessed"} <= set(s) for s in package["sources"])
    assert any(s["publisher"] and "太原" in s["publisher"] for s in package["sources"])  # 004's sidecar
    release = json.loads((folder / "release.json").read_text())
    assert release["code_version"] and len(release["code_fingerprint"]) == 16


def test_duckdb_reads_every_parquet_file(workspace):
    import duckdb

    folder = workspace["releases"] / "v1.0.0"
    for name in registry.TABLES:
        n = duckdb.sql(f"select count(*) from read_parquet('{folder / (name + '.parquet')}')").fetchall()[0][0]
        assert n == pq.read_metadata(folder / f"{name}.parquet").num_rows


def test_rerun_publishes_nothing(workspace):
    again = workspace["build"](log=lambda *a: None)
    assert again.ok and not again.published and again.processed == []
    assert "nothing changed" in again.message
    assert sorted(p.name for p in workspace["releases"].glob("v*")) == ["v1.0.0"]


def _share_of_120(tables):
    ind = tables["indicators"].copy()
    k = ind.index[ind["measure"] == "share"][0]
    ind.loc[k, ["value", "value_std"]] = 120.0
    return {**tables, "indicators": ind}, "expect_column_values_to_be_between", "indicators.value", "120"


def _one_cell(table: str, column: str, value, expectation: str):
    """A corruption that sets the first row's `column` of `table` to `value`."""
    def corrupt(tables):
        df = tables[table].copy()
        df.loc[df.index[0], column] = value
        return {**tables, table: df}, expectation, f"{table}.{column}", str(value)
    return corrupt


_unknown_unit = _one_cell("indicators", "unit", "斤两", "expect_column_values_to_be_in_set")
_unknown_vocabulary_value = _one_cell("indicators", "kind", "guess", "expect_column_values_to_be_in_set")
_null_in_a_required_column = _one_cell("project_mentions", "name_as_written", None, "expect_column_values_to_not_be_null")
_dangling_report_id = _one_cell("indicators", "report_id", "ghost_report", "expect_column_values_to_be_in_set")
_dangling_sentence_id = _one_cell("project_mentions", "sentence_id", "ghost_report:0001", "expect_column_values_to_be_in_set")


def _duplicated_project_name(tables):
    projects = tables["projects"]
    bad = projects.iloc[[0]].copy()
    bad["project_id"] = "p_duplicate"
    return ({**tables, "projects": pd.concat([projects, bad], ignore_index=True)}, "expect_compound_columns_to_be_unique",
            "projects.district,name", projects.iloc[0]["name"])


CORRUPTIONS = {"share_of_120": _share_of_120, "unknown_unit": _unknown_unit, "unknown_vocabulary_value": _unknown_vocabulary_value,
               "null_in_a_required_column": _null_in_a_required_column, "duplicated_project_name": _duplicated_project_name,
               "dangling_report_id": _dangling_report_id, "dangling_sentence_id": _dangling_sentence_id}


@pytest.mark.parametrize("corrupt", CORRUPTIONS.values(), ids=list(CORRUPTIONS))
def test_one_bad_row_blocks_the_release(workspace, monkeypatch, corrupt):
    """Each blocking gate, fed one bad row: nothing is published and the failure names the
    expectation, the table and column, and the bad value."""
    import assets.validated as validated
    from pipelines.raw.ledger import Ledger

    real = validated.table_batches
    seen = {}

    def batches_with_a_bad_row(*args, **kwargs):
        tables = {}
        for batch in real(*args, **kwargs):
            for name, df in batch.items():
                tables[name] = pd.concat([tables[name], df], ignore_index=True) if name in tables else df
        tables, seen["expectation"], seen["where"], seen["value"] = corrupt(tables)
        yield tables

    monkeypatch.setattr(validated, "table_batches", batches_with_a_bad_row)
    # the inputs did not change, so a build would return at once: make it run the release step
    Ledger(workspace["root"] / "data").save_release_state(None)
    releases = workspace["releases"]
    index_before = (releases / "index.json").read_text()
    folders_before = sorted(p.name for p in releases.iterdir())
    result = workspace["build"](log=lambda *a: None)
    assert not result.ok and not result.published
    assert any(seen["expectation"] in f and seen["where"] in f and str(seen["value"]) in f for f in result.gate_failures), result.gate_failures
    assert (releases / "index.json").read_text() == index_before
    assert sorted(p.name for p in releases.iterdir()) == folders_before


def test_an_edit_to_release_code_reruns_no_report(workspace, monkeypatch, tmp_path):
    """Release code is in no report layer's fingerprint: editing it reruns no partition."""
    import pipelines.raw.ledger as ledger

    copy = tmp_path / "pipelines"
    shutil.copytree(ledger.PIPELINES, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / "release" / "stage.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit to release code\n")
    monkeypatch.setattr(ledger, "layer_fingerprints", lambda: ledger.fingerprints_of(copy))
    result = workspace["build"](log=lambda *a: None)
    assert result.ok and result.reran_from == {} and result.processed == []


def test_extraction_scores_against_the_gold(workspace, summary):
    from pipelines.evaluate import evaluate_release, format_scores

    scores = evaluate_release(GOLD, workspace["releases"] / "v1.0.0")
    summary.extend(format_scores(scores, details=False).splitlines())
    assert scores.indicators.f1 >= 0.95
    for attribute in ("kind", "year", "measure", "qualifier"):
        assert scores.accuracy(attribute) >= 0.95, attribute
    assert scores.projects.f1 >= 0.85
    for field in ("district", "report_type", "review_year", "plan_year"):
        correct, total = scores.report_fields[field]
        assert correct == total, field


# Version bumps. These run last and in this order: each publishes on top of the previous one.

def test_a_changed_extraction_rule_gives_a_patch(workspace, monkeypatch):
    import pipelines.extracted.stage as stage
    import pipelines.raw.ledger as ledger

    real, fingerprints = stage.extract_indicators, ledger.layer_fingerprints()
    monkeypatch.setattr(ledger, "layer_fingerprints", lambda: {**fingerprints, "extracted": "a changed rule"})
    monkeypatch.setattr(stage, "extract_indicators", lambda *a, **k: [r for r in real(*a, **k) if r["unit"] != "‰"][:-1])
    result = workspace["build"](log=lambda *a: None)
    assert result.ok and result.published and result.version == "v1.0.1", result
    # an extraction rule change reruns extraction (not decoding) for every report
    assert len(result.processed) == len(SEED_FILES) and set(result.reran_from.values()) == {"extracted"}
    # the rule dropped indicators though no report was removed: a warning in the release, not a block
    folder = workspace["releases"] / "v1.0.1"
    before = json.loads((workspace["releases"] / "v1.0.0" / "release.json").read_text())["row_counts"]["indicators"]
    after = len(pd.read_parquet(folder / "indicators.parquet", columns=["indicator_id"]))
    assert after < before
    across = json.loads((folder / "validation.json").read_text())["across_releases"]
    check = next(c for c in across["checks"] if c["name"] == "rows_kept:indicators")
    assert across["compared_with"] == "v1.0.0" and not check["success"] and check["severity"] == "warning"
    assert f"{before - after} rows lost" in check["message"] and "no report was removed" in check["message"]
    assert {e["report_id"] for e in check["examples"]} == {p.stem for p in SEED_FILES}
    assert all(c["success"] for c in across["checks"] if c["name"] in ("rows_kept:reports", "rows_kept:sentences"))
    warnings = json.loads((folder / "release.json").read_text())["warnings"]
    assert any("indicators" in w and "no report was removed" in w for w in warnings)
    assert "no report was removed" in (folder / "validation.html").read_text()


def test_adding_a_report_gives_a_minor(workspace):
    source = sorted(workspace["reports"].glob("001_*.txt"))[0]
    # the same report re-encoded is new bytes under a new id: a new report, not a duplicate
    (workspace["reports"] / "100_reencoded.txt").write_bytes(source.read_text(encoding="utf-8").encode("gb18030"))
    result = workspace["build"](log=lambda *a: None)
    assert result.ok and result.published and result.version == "v1.1.0", result
    changelog = (workspace["releases"] / "v1.1.0" / "CHANGELOG.md").read_text()
    assert "added: 100_reencoded" in changelog


def test_a_changed_column_gives_a_major(workspace, monkeypatch):
    import dataclasses

    table = registry.TABLES["reports"]
    fields = tuple(dataclasses.replace(f, type="number") if f.name == "n_chars" else f for f in table.fields)
    monkeypatch.setitem(registry.TABLES, "reports", dataclasses.replace(table, fields=fields))
    # an edit to registry.py changes the release code's fingerprint, so the build does not return at once
    import pipelines.raw.ledger as ledger

    monkeypatch.setattr(ledger, "release_code_fingerprint", lambda: "registry.py edited")
    result = workspace["build"](log=lambda *a: None)
    assert result.ok and result.published and result.version == "v2.0.0", result
    assert pq.read_schema(workspace["releases"] / "v2.0.0" / "reports.parquet").field("n_chars").type == "double"


KILLED_PUBLISHER = """
import json, os, signal, sys
from pathlib import Path
import pandas as pd
import pipelines.release.stage as publish
from pipelines import registry

source, releases, kill = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "kill"
tables = {n: pd.read_parquet(source / f"{n}.parquet") for n in registry.TABLES}
tables["indicators"] = tables["indicators"].iloc[:-1]  # new content: a PATCH is due
gate = json.loads((source / "validation.json").read_text(encoding="utf-8"))
import pipelines.release.writer as writer
real = writer.TableFiles.append

def append_then_die(self, df):
    real(self, df)
    if kill:
        os.kill(os.getpid(), signal.SIGKILL)  # after the first table's rows, mid-release

writer.TableFiles.append = append_then_die
print(publish.publish(tables, gate, [], releases).version)
"""


def test_a_publisher_killed_mid_write_leaves_no_partial_release(workspace, tmp_path):
    import signal

    releases = tmp_path / "releases"
    shutil.copytree(workspace["releases"], releases)
    index = json.loads((releases / "index.json").read_text())
    latest = releases / index["latest"]
    versions_before = sorted(p.name for p in releases.glob("v*"))
    args = [sys.executable, "-c", KILLED_PUBLISHER, str(latest), str(releases)]
    killed = subprocess.run(args + ["kill"], capture_output=True, text=True, cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(releases.glob(".tmp-*")), "the publisher died before writing anything"
    assert sorted(p.name for p in releases.glob("v*")) == versions_before
    assert json.loads((releases / "index.json").read_text()) == index
    rerun = subprocess.run(args + ["publish"], capture_output=True, text=True, cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    new = rerun.stdout.strip()
    assert new not in versions_before and (releases / new / "SHA256SUMS").exists()
    assert not list(releases.glob(".tmp-*"))
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=releases / new, capture_output=True, text=True)
    assert check.returncode == 0
