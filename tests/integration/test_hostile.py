"""Hostile input through the whole build: one folder with the seeds and every kind of bad or odd
file. Each refused file is named with its reason in rejected.json, CHANGELOG.md and the catalog,
and fails its own partition with the same message; the other reports still go through.

Behaviour chosen per case (docs/decisions.md, "Input"):
  empty / whitespace-only / PNG / zip      refused, reason names what the bytes are
  UTF-16 without BOM, mixed UTF-8+GB18030  accepted, decoded (line by line for the mix)
  200 MB file                              refused by CGR_MAX_REPORT_BYTES before it is read
  unsafe file names                        refused (not renamed): the id users cite must be the stem
  the same bytes under two names           the first name kept, the other refused as its duplicate
  HTML saved as .txt                       accepted, reduced to its visible text
  no quantity and no project               accepted with zero indicator and project rows
  malformed sidecar / unknown field        the report is refused, the reason names the field
  CRLF line ends, a BOM mid-file, U+200B   accepted; removed before segmentation and extraction
  deleted between detection and run        that partition fails with "no longer in the reports folder"
  still being written                      not picked up (tests/test_incremental.py and the sensor)
"""

import json
import shutil

import pandas as pd
import pytest

from tests.conftest import SEEDS

GOOD_TEXT = "某区2023年政府工作报告\n一年来,全区地区生产总值完成120.5亿元,同比增长5.2%。\n"


def _files(seed_text: str) -> dict[str, bytes]:
    utf16 = ("某区2023年国民经济执行情况\n" + "一年来,全区固定资产投资同比增长6.1%。\n" * 3).encode("utf-16-le")
    mixed = "某区经济工作会议召开\n".encode("utf-8") * 3 + "一年来,全区新增就业2万余人。\n".encode("gb18030")
    html = ("<!DOCTYPE html><html><head><title>某区政府工作报告</title><script>var x=1;</script></head>"
            "<body><h1>某区政府工作报告</h1><p>一年来,全区社会消费品零售总额增长4.5%。</p></body></html>").encode("utf-8")
    crlf = ("某区政府工作报告\r\n一年来,全区地区生产总值完成6\u200b2\u200b0.5亿元,\ufeff同比增长2.5%。\r\n").encode("utf-8")
    return {
        "h01_empty.txt": b"",
        "h02_blank.txt": b" \r\n\t\n   ",
        "h03_image.txt": b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
        "h04_archive.txt": b"PK\x03\x04" + b"\x14\x00" * 100,
        "h05_utf16.txt": utf16,
        "h06_mixed.txt": mixed,
        "h08 has spaces.txt": GOOD_TEXT.encode("utf-8"),
        "报告.txt": GOOD_TEXT.encode("utf-8") + b"\n",
        "h08..dots.txt": GOOD_TEXT.encode("utf-8") + b"\n\n",
        ("h08_" + "x" * 150 + ".txt"): GOOD_TEXT.encode("utf-8") + b" ",
        "h08_slash\u2215like.txt": GOOD_TEXT.encode("utf-8") + b"  ",
        "h09_copy.txt": seed_text.encode("utf-8"),
        "h10_page.txt": html,
        "h11_nothing.txt": "某区召开会议\n会议强调,要统筹做好各项工作。\n".encode("utf-8"),
        "h12_badyaml.txt": GOOD_TEXT.replace("120.5", "121.5").encode("utf-8"),
        "h12_badyaml.yaml": b"plan_year: [2024\n  district: :",
        "h12_unknown.txt": GOOD_TEXT.replace("120.5", "122.5").encode("utf-8"),
        "h12_unknown.yaml": "colour: 红\n".encode("utf-8"),
        "h15_crlf.txt": crlf,
    }


@pytest.fixture(scope="module")
def hostile(site_copy):
    """The built seeds plus every hostile case, built incrementally."""
    root = site_copy
    reports = root / "reports"
    seed = sorted(SEEDS.glob("003_*.txt"))[0]
    for name, data in _files(seed.read_text(encoding="utf-8")).items():
        (reports / name).write_bytes(data)
    with open(reports / "h07_huge.txt", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: a 200 MB file that costs nothing to make
    from assets.build import build

    result = build(log=lambda *a: None)
    release = root / "releases" / result.version if result.version else None
    return {"result": result, "release": release, "root": root, "reports": reports, "seed": seed}


REFUSED = {
    "h01_empty.txt": "empty",
    "h02_blank.txt": "empty",
    "h03_image.txt": "PNG",
    "h04_archive.txt": "zip",
    "h07_huge.txt": "size limit",
    "h08 has spaces.txt": "not a safe report id",
    "报告.txt": "not a safe report id",
    "h08..dots.txt": "not a safe report id",
    ("h08_" + "x" * 150 + ".txt"): "not a safe report id",
    "h08_slash\u2215like.txt": "not a safe report id",
    "h09_copy.txt": "duplicate",
    "h12_badyaml.yaml": "not valid YAML",
    "h12_unknown.yaml": "unknown field 'colour'",
}
ACCEPTED = ["h05_utf16", "h06_mixed", "h10_page", "h11_nothing", "h15_crlf"]


def test_the_release_goes_out_with_the_good_reports(hostile):
    result = hostile["result"]
    # on top of the built seeds (v1.0.0), the accepted hostile files are new reports: a MINOR
    assert result.ok and result.published and result.version == "v1.1.0"
    reports = pd.read_parquet(hostile["release"] / "reports.parquet")
    seeds = {p.stem for p in SEEDS.glob("*.txt")}
    assert set(reports["report_id"]) == seeds | set(ACCEPTED)


@pytest.mark.parametrize("name,reason", REFUSED.items(), ids=list(REFUSED))
def test_each_refused_file_is_listed_with_its_reason(hostile, name, reason):
    rejected = json.loads((hostile["release"] / "rejected.json").read_text(encoding="utf-8"))
    entry = next((r for r in rejected if r["source_file"] == name), None)
    assert entry is not None, [r["source_file"] for r in rejected]
    assert reason.lower() in entry["reason"].lower(), entry
    assert f"`{name}`" in (hostile["release"] / "CHANGELOG.md").read_text(encoding="utf-8")
    catalog = (hostile["root"] / "releases" / "index.html").read_text(encoding="utf-8")
    import html

    assert html.escape(name) in catalog


@pytest.mark.parametrize("name", [n for n in REFUSED if not n.endswith(".yaml")] + ["h12_badyaml.yaml", "h12_unknown.yaml"])
def test_refused_reports_fail_their_own_partition_with_the_same_message(hostile, name):
    """A refused report with a safe id is a failed partition in the UI, with the reason."""
    rejected = {r["source_file"]: r for r in json.loads((hostile["release"] / "rejected.json").read_text(encoding="utf-8"))}
    report_id = rejected[name].get("report_id")
    if report_id is None:  # refused by its name alone: there is no partition to fail
        assert name in hostile["result"].refused
        return
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    instance = DagsterInstance.get()
    runs = instance.get_run_records(RunsFilter(tags={"dagster/partition": report_id}), limit=1)
    assert runs and runs[0].dagster_run.status == DagsterRunStatus.FAILURE
    assert rejected[name]["reason"] in hostile["result"].refused[report_id]


def test_accepted_oddities_are_read_right(hostile):
    ind = pd.read_parquet(hostile["release"] / "indicators.parquet")
    got = lambda rid: sorted(zip(ind.loc[ind["report_id"] == rid, "value"], ind.loc[ind["report_id"] == rid, "unit"]))
    assert got("h05_utf16") == [(6.1, "%")] * 3
    assert got("h06_mixed") == [(2.0, "万人")]
    assert got("h10_page") == [(4.5, "%")]
    assert got("h15_crlf") == [(2.5, "%"), (620.5, "亿元")]  # U+200B inside the number and a BOM mid-file removed
    assert got("h11_nothing") == []
    reports = pd.read_parquet(hostile["release"] / "reports.parquet").set_index("report_id")
    assert reports.loc["h11_nothing", "n_indicators"] == 0 and reports.loc["h11_nothing", "n_projects"] == 0
    assert reports.loc["h05_utf16", "source_encoding"].startswith("utf-16")
    sentences = pd.read_parquet(hostile["release"] / "sentences.parquet")
    page = " ".join(sentences.loc[sentences["report_id"] == "h10_page", "text"])
    assert "<p>" not in page and "var x" not in page


def test_a_file_deleted_between_detection_and_run_fails_only_itself(hostile):
    from dagster import DagsterInstance

    from assets.definitions import build_defs

    defs = build_defs()

    instance = DagsterInstance.get()
    ghost = hostile["reports"] / "h13_vanishing.txt"
    ghost.write_bytes(GOOD_TEXT.replace("120.5", "123.5").encode("utf-8"))
    instance.add_dynamic_partitions("reports", ["h13_vanishing"])  # detected...
    ghost.unlink()  # ...and gone before its run
    run = defs.resolve_job_def("report_job").execute_in_process(instance=instance, partition_key="h13_vanishing", raise_on_error=False)
    assert not run.success
    failure = next(e for e in run.all_events if e.event_type_value == "STEP_FAILURE")
    assert "no longer in the reports folder" in failure.step_failure_data.error.message
    instance.delete_dynamic_partition("reports", "h13_vanishing")
