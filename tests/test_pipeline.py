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

from .conftest import GOLD, SEEDS


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("cgr")
    reports = root / "reports"
    shutil.copytree(SEEDS, reports)
    env = {"CGR_REPORTS_DIR": str(reports), "CGR_DATA_DIR": str(root / "data"), "CGR_RELEASES_DIR": str(root / "releases")}
    mp = pytest.MonkeyPatch()
    for k, v in env.items():
        mp.setenv(k, v)
    from assets.build import build

    first = build(log=lambda *a: None)
    yield {"root": root, "reports": reports, "releases": root / "releases", "first": first, "build": build, "mp": mp}
    mp.undo()


def test_first_build_publishes_v1(workspace):
    result = workspace["first"]
    assert result.ok and result.published
    assert result.version == "v1.0.0"
    assert len(result.processed) == 5 and not result.refused


def test_release_folder_is_complete_and_verifiable(workspace):
    folder = workspace["releases"] / "v1.0.0"
    for name in registry.TABLES:
        assert (folder / f"{name}.parquet").exists() and (folder / f"{name}.csv").exists()
    for extra in ("datapackage.json", "SHA256SUMS", "validation.json", "validation.html", "CHANGELOG.md", "rejected.json", "README.md"):
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
    assert counts["reports"] == 5
    for name in ("sentences", "indicators", "projects", "project_mentions"):
        assert counts[name] > 0, name
    print("\nrow counts:", counts)


def test_sentence_and_indicator_offsets_hold(workspace):
    from pipelines.decode import decode_file

    folder = workspace["releases"] / "v1.0.0"
    sentences = pd.read_parquet(folder / "sentences.parquet")
    indicators = pd.read_parquet(folder / "indicators.parquet")
    for path in sorted(workspace["reports"].glob("*.txt")):
        text = decode_file(path).text
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


def test_gate_blocks_a_duplicated_project_name(workspace, monkeypatch):
    import pipelines.combine as combine

    real = combine.build_projects

    def duplicated(mentions):
        projects = real(mentions)
        bad = projects.iloc[[0]].copy()
        bad["project_id"] = "p_duplicate"
        return pd.concat([projects, bad], ignore_index=True)

    monkeypatch.setattr(combine, "build_projects", duplicated)
    index_before = (workspace["releases"] / "index.json").read_text()
    result = workspace["build"](full=True, log=lambda *a: None)
    assert not result.ok and not result.published
    assert any("expect_compound_columns_to_be_unique" in f and "projects" in f for f in result.gate_failures)
    assert (workspace["releases"] / "index.json").read_text() == index_before
    assert sorted(p.name for p in workspace["releases"].glob("v*")) == ["v1.0.0"]


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
