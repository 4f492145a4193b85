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
  a symbolic link (report or sidecar)      refused, never followed: nothing outside the folder is read
  a folder or pipe with a report's name    refused as not a report file
  a sidecar that is a folder               the report is refused
  a sidecar value out of the registry's    the report is refused (not the whole release at the gate)
  bounds or vocabulary, an alias bomb,
  deep nesting, an over-size sidecar
  a copy of a published report whose       the published report keeps its id; the copy is refused
  name sorts first
  a crash in any stage for one report      that report refused with the error in one line, retried next build;
                                           a published report whose run fails is dropped, not kept stale
  bidi marks, isolates, zero-width spaces  removed and counted (reports.repairs_invisible); the figures read
  a minus before a percentage              a negative value
  an absurd amount (10^30 亿元)            published, with a warning in release.json
"""

import json
import os
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
        # a copy of a published seed whose name sorts before it: the seed keeps its id
        "000_copy.txt": seed_text.encode("utf-8"),
        "h17_linkyaml.txt": GOOD_TEXT.replace("120.5", "124.5").encode("utf-8"),
        "h18_dirsidecar.txt": GOOD_TEXT.replace("120.5", "125.5").encode("utf-8"),
        "h19_year.txt": GOOD_TEXT.replace("120.5", "126.5").encode("utf-8"),
        "h19_year.yaml": b"review_year: 30000\n",
        "h19_type.txt": GOOD_TEXT.replace("120.5", "127.5").encode("utf-8"),
        "h19_type.yaml": b"report_type: memo\n",
        "h19_code.txt": GOOD_TEXT.replace("120.5", "128.5").encode("utf-8"),
        "h19_code.yaml": b"admin_code: '../../etc'\n",
        "h19_date.txt": GOOD_TEXT.replace("120.5", "129.5").encode("utf-8"),
        "h19_date.yaml": b"published_date: 20230101\n",
        "h19_control.txt": GOOD_TEXT.replace("120.5", "130.5").encode("utf-8"),
        "h19_control.yaml": "title: 某区\u202e报告\n".encode("utf-8"),
        "h20_bomb.txt": GOOD_TEXT.replace("120.5", "131.5").encode("utf-8"),
        "h20_bomb.yaml": b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        "h20_deep.txt": GOOD_TEXT.replace("120.5", "132.5").encode("utf-8"),
        "h20_deep.yaml": b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "h20_huge.txt": GOOD_TEXT.replace("120.5", "133.5").encode("utf-8"),
        "h20_huge.yaml": b"title: '" + b"x" * 100_000 + b"'\n",
        "h21_crash.txt": GOOD_TEXT.replace("120.5", "134.5").encode("utf-8"),
        "h25_first.txt": GOOD_TEXT.replace("120.5", "135.5").encode("utf-8"),
        "h25_second.txt": GOOD_TEXT.replace("120.5", "135.5").encode("utf-8"),
        # text-level hostility (issue 22 part B) through the same build: invisible characters hiding
        # a figure, a signed percentage, an absurd amount
        "h26_invisible.txt": "某区2023年政府工作报告\n一年来,全区地区生产总值增长\u200e6.5%,\u2066固定资产投资完成1\u200b23亿元\u2069。\n".encode("utf-8"),
        "h27_signed.txt": "某区2023年政府工作报告\n一年来,全区工业增加值增长-5.2%,出口总额增长\u22123.1%。\n".encode("utf-8"),
        "h28_absurd.txt": ("某区2023年政府工作报告\n一年来,全区地区生产总值完成1" + "0" * 30 + "亿元。\n").encode("utf-8"),
    }


SECRET = "某区外部文件不应发布"  # text of a file outside the reports folder


def _crash_in_segmentation(monkeypatch, report_ids: set[str]):
    """A bug that one text triggers, in a middle stage (segmentation) of the named reports."""
    import assets.segmented as module

    real = module.segment_report

    def segment_report(report_id, decoded):
        if report_id in report_ids:
            raise RuntimeError(f"a bug triggered by {report_id}")
        return real(report_id, decoded)

    monkeypatch.setattr(module, "segment_report", segment_report)


def _tree(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


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
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"某区2023年政府工作报告\n{SECRET},地区生产总值完成999.5亿元。\n", encoding="utf-8")
    (outside / "secret.yaml").write_text("title: 外部\n", encoding="utf-8")
    (reports / "h16_link.txt").symlink_to(outside / "secret.txt")
    (reports / "h16_dangling.txt").symlink_to(outside / "nowhere.txt")
    (reports / "h17_linkyaml.yaml").symlink_to(outside / "secret.yaml")
    (reports / "h18_dirsidecar.yaml").mkdir()
    (reports / "h22_folder.txt").mkdir()
    os.mkfifo(reports / "h22_pipe.txt")  # reading it would block for ever
    outside_before = _tree(outside)
    from assets.build import build

    with pytest.MonkeyPatch.context() as mp:
        _crash_in_segmentation(mp, {"h21_crash"})
        result = build(log=lambda *a: None)
    release = root / "releases" / result.version if result.version else None
    return {"result": result, "release": release, "root": root, "reports": reports, "seed": seed,
            "outside": outside, "outside_before": outside_before}


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
    "000_copy.txt": "already accepted with this content",
    "h25_second.txt": "the same bytes as h25_first.txt",
    "h16_link.txt": "symbolic link",
    "h16_dangling.txt": "symbolic link",
    "h17_linkyaml.yaml": "symbolic link",
    "h18_dirsidecar.yaml": "is a folder",
    "h19_year.yaml": "'review_year' must be less than or equal to 2100",
    "h19_type.yaml": "'report_type' must be one of",
    "h19_code.yaml": "six-digit",
    "h19_date.yaml": "not a date",
    "h19_control.yaml": "control or invisible",
    "h20_bomb.yaml": "anchors or aliases",
    "h20_deep.yaml": "nests",
    "h20_huge.yaml": "over the size limit",
    "h22_folder.txt": "a folder, not a report file",
    "h22_pipe.txt": "not a regular file",
}
ACCEPTED = ["h05_utf16", "h06_mixed", "h10_page", "h11_nothing", "h15_crlf", "h25_first", "h26_invisible", "h27_signed",
            "h28_absurd"]


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


@pytest.mark.parametrize("name", list(REFUSED))
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
    # invisible characters removed (and counted) so the figures they sat in are read; signs read
    assert got("h26_invisible") == [(6.5, "%"), (123.0, "亿元")]
    assert got("h27_signed") == [(-5.2, "%"), (-3.1, "%")]
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


def test_nothing_outside_the_reports_folder_is_read_or_written(hostile):
    sentences = pd.read_parquet(hostile["release"] / "sentences.parquet")
    assert not sentences["text"].str.contains(SECRET).any()
    reports = pd.read_parquet(hostile["release"] / "reports.parquet")
    assert not reports["title"].fillna("").str.contains("外部").any()
    assert _tree(hostile["outside"]) == hostile["outside_before"]
    written = {p.name for p in hostile["root"].iterdir()}
    assert written == {"reports", "data", "releases", "outside"}


def test_a_crash_in_one_report_refuses_that_report_alone(hostile):
    result = hostile["result"]
    message = result.refused["h21_crash"]
    assert message == "h21_crash.txt: segmented_report failed (RuntimeError: a bug triggered by h21_crash); retried on the next build"
    rejected = {r["source_file"]: r["reason"] for r in json.loads((hostile["release"] / "rejected.json").read_text(encoding="utf-8"))}
    assert "a bug triggered by h21_crash" in rejected["h21_crash.txt"]
    manifest = json.loads((hostile["root"] / "data" / "manifest.json").read_text())
    assert "h21_crash" not in manifest  # no digest recorded: the next build runs it again
    assert "h19_year" in manifest  # a refusal of the input itself is recorded: not rerun until it changes


def test_refusals_are_one_line_without_dagster_names(hostile):
    for reason in hostile["result"].refused.values():
        assert "\n" not in reason and "dagster" not in reason.lower() and "Traceback" not in reason, reason


@pytest.fixture(scope="module")
def hostile_again(hostile):
    """The next builds: the crash is gone (h21 retried); a published report's rerun crashes
    (h11: dropped with the reason); a duplicate's original changes (h25_second re-examined).
    Then a build with nothing changed retries h11."""
    from assets.build import build

    reports = hostile["reports"]
    (reports / "h25_first.txt").write_bytes(GOOD_TEXT.replace("120.5", "136.5").encode("utf-8"))
    (reports / "h11_nothing.txt").write_bytes("某区召开会议\n会议强调,要统筹做好各项工作,狠抓落实。\n".encode("utf-8"))
    with pytest.MonkeyPatch.context() as mp:
        _crash_in_segmentation(mp, {"h11_nothing"})
        second = build(log=lambda *a: None)
    # damaged state for the third build, as `cgr build` meets it: a changed byte in the published
    # release and a truncated index.json
    root = hostile["root"] / "releases"
    with open(root / second.version / "README.md", "a", encoding="utf-8") as fh:
        fh.write("tampered\n")
    index = (root / "index.json").read_text(encoding="utf-8")
    (root / "index.json").write_text(index[: len(index) // 2], encoding="utf-8")
    third, third_out = _cli_build()
    fourth, fourth_out = _cli_build()  # nothing changed: returns at once, says it all again
    return {"second": second, "third": third, "second_release": root / second.version, "third_release": root / third.version,
            "third_out": third_out, "fourth_out": fourth_out, "fourth": fourth}


def _cli_build():
    """`cgr build` in this process (no new process, no new build of the site): its result, and
    what it printed on stdout and stderr."""
    import contextlib
    import io

    import assets.build as module

    results, out = [], io.StringIO()
    real = module.build
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(module, "build", lambda **kw: results.append(real(**kw)) or results[-1])
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = module.main_build(full=False)
    assert code == 0, out.getvalue()
    return results[0], out.getvalue()


def test_a_failed_report_is_retried_and_a_failed_published_report_is_dropped(hostile_again):
    second, third = hostile_again["second"], hostile_again["third"]
    assert second.published and third.published, (second, third)
    ids = set(pd.read_parquet(hostile_again["second_release"] / "reports.parquet")["report_id"])
    assert "h21_crash" in ids and "h21_crash" in second.processed  # retried, with nothing changed in its file
    assert "h11_nothing" not in ids  # its old rows are not kept stale
    rejected = {r["source_file"]: r["reason"] for r in json.loads((hostile_again["second_release"] / "rejected.json").read_text(encoding="utf-8"))}
    assert "a bug triggered by h11_nothing" in rejected["h11_nothing.txt"]
    assert "h21_crash.txt" not in rejected
    assert third.processed == ["h11_nothing"]
    assert "h11_nothing" in set(pd.read_parquet(hostile_again["third_release"] / "reports.parquet")["report_id"])


def test_the_console_says_each_refusal_in_one_line(hostile_again):
    out = hostile_again["third_out"] + hostile_again["fourth_out"]
    assert "dagster" not in out.lower() and "Traceback" not in out, out
    refused = [line for line in hostile_again["third_out"].splitlines() if line.startswith("refused: ")]
    assert "refused: h19_year.yaml: the sidecar field 'review_year' must be less than or equal to 2100, got 30000" in refused
    assert "refused: h16_link.txt: a symbolic link: links are not followed (copy the file itself into the reports folder)" in refused
    # a build with nothing to do still lists every refusal
    assert sorted(l for l in hostile_again["fourth_out"].splitlines() if l.startswith("refused: ")) == sorted(refused)


def test_a_damaged_release_and_a_truncated_index_are_noticed_and_repaired(hostile_again):
    second, third = hostile_again["second"], hostile_again["third"]
    root = hostile_again["third_release"].parent
    assert f"release {second.version} does not verify against its SHA256SUMS (README.md changed)" in hostile_again["third_out"]
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == third.version and second.version in [r["version"] for r in index["releases"]]
    assert f"release {third.version} verifies against its SHA256SUMS" in hostile_again["fourth_out"]
    assert hostile_again["fourth"].message == "nothing changed since the last build"


def test_a_duplicate_is_re_examined_when_its_original_changes(hostile_again):
    second = hostile_again["second"]
    assert "h25_second" in second.processed and "h25_first" in second.processed
    ids = set(pd.read_parquet(hostile_again["second_release"] / "reports.parquet")["report_id"])
    assert {"h25_first", "h25_second"} <= ids
    seeds = {p.stem for p in SEEDS.glob("*.txt")}
    assert seeds <= ids and "000_copy" not in ids


def test_an_absurd_amount_is_published_with_a_warning(hostile):
    ind = pd.read_parquet(hostile["release"] / "indicators.parquet")
    assert ind.loc[ind["report_id"] == "h28_absurd", "value"].tolist() == [1e30]
    warnings = json.loads((hostile["release"] / "release.json").read_text(encoding="utf-8"))["warnings"]
    assert any("value_std" in json.dumps(w, ensure_ascii=False) for w in warnings), warnings
    reports = pd.read_parquet(hostile["release"] / "reports.parquet").set_index("report_id")
    assert reports.loc["h26_invisible", "repairs_invisible"] == 4
    assert reports.loc[sorted(p.stem for p in SEEDS.glob("*.txt"))[0], "repairs_invisible"] == 0
