"""Reports as governments publish them. The seeds and the corpus texts are rendered to PDF (with a
CJK font, a running header and page numbers) and to .docx inside the test run, built, and must
give the same indicators as their plain text; a statistical communiqué's table gives one
indicator per cell with the header's unit; bad files of each format are refused alone."""

import json
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from pipelines.local import tables_for_folder
from tests.conftest import SEEDS
from tests.documents import (blocks_of_text, cjk_font, page_bomb, render_docx, render_pdf, render_scan,
                             stream_bomb)

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
KEY = ["report_id", "value", "unit", "measure", "kind", "year"]


def f1(expected: pd.DataFrame, got: pd.DataFrame) -> tuple[float, Counter, Counter]:
    """F1 of two indicator tables on (value, unit, measure, kind, year) per report, as multisets."""
    a = Counter(tuple(r) for r in expected[KEY].astype(str).itertuples(index=False))
    b = Counter(tuple(r) for r in got[KEY].astype(str).itertuples(index=False))
    tp = sum((a & b).values())
    p, r = tp / max(1, sum(b.values())), tp / max(1, sum(a.values()))
    return (2 * p * r / (p + r) if p + r else 0.0), a - b, b - a


def _render_folder(texts: list[Path], folder: Path, fmt: str, sidecars: bool) -> Path:
    folder.mkdir(parents=True)
    for path in texts:
        blocks = blocks_of_text(path.read_bytes().decode("utf-8", "replace"))
        target = folder / f"{path.stem}.{fmt}"
        render_pdf(blocks, target) if fmt == "pdf" else render_docx(blocks, target)
        if sidecars and path.with_suffix(".yaml").exists():
            shutil.copy(path.with_suffix(".yaml"), folder)
    return folder


SOURCES = {"seeds": (SEEDS, True), "corpus": (CORPUS, False)}
#: one corpus text in six (every genre is among them) keeps rendering within the test budget;
#: bench/documents.py renders every text
CORPUS_SAMPLE = 6


@pytest.fixture(scope="module", params=list(SOURCES))
def source(request, tmp_path_factory):
    """(name, folder of the texts, the plain-text build's tables)."""
    folder, sidecars = SOURCES[request.param]
    texts = sorted(folder.glob("*.txt"))
    if request.param == "corpus":
        texts = texts[::CORPUS_SAMPLE]
    root = tmp_path_factory.mktemp(request.param)
    plain = root / "txt"
    plain.mkdir()
    for path in texts:
        shutil.copy(path, plain)
        if sidecars and path.with_suffix(".yaml").exists():
            shutil.copy(path.with_suffix(".yaml"), plain)
    tables, rejected = tables_for_folder(plain)
    assert not rejected
    return request.param, texts, sidecars, root, tables


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_rendered_reports_give_the_plain_text_indicators(source, fmt, summary):
    name, texts, sidecars, root, plain = source
    if fmt == "pdf":
        cjk_font()
    tables, rejected = tables_for_folder(_render_folder(texts, root / fmt, fmt, sidecars))
    assert not rejected
    score, missing, extra = f1(plain["indicators"], tables["indicators"])
    summary.append(f"{name} as {fmt}: indicators F1 {score:.4f} against the text build "
                   f"({len(plain['indicators'])} rows; {sum(missing.values())} missing, {sum(extra.values())} extra)")
    assert score >= 0.99, (missing, extra)
    sentences = tables["sentences"]
    if fmt == "pdf":
        # every sentence of a PDF knows its page, and the pages run from 1 through the report
        assert sentences["page"].notna().all()
        assert sentences.groupby("report_id")["page"].min().eq(1).all()
        if name == "seeds":  # the seeds run over several pages; a corpus page opening fits on one
            assert sentences["page"].max() > 1
        assert (sentences.groupby("report_id")["page"].apply(lambda s: s.is_monotonic_increasing)).all()
        assert set(tables["reports"]["source_encoding"]) == {"pdf"}
    else:
        assert sentences["page"].isna().all()
        assert set(tables["reports"]["source_encoding"]) == {"docx"}


COMMUNIQUE = [
    "某县2023年国民经济和社会发展统计公报",
    "一、综合",
    "初步核算,全年经济运行稳中向好。",
    "表1 2023年全县主要经济指标",
    "单位:亿元",
    [["指标", "绝对值", "比上年增长%"],
     ["地区生产总值", "234.5", "6.5"],
     ["第一产业增加值", "30.2", "-3.2"],
     ["第二产业增加值", "90.1", "5.1"],
     ["第三产业增加值", "114.2", "7.9"]],
    "全年一般公共预算收入15.6亿元,增长3.3%。",
]
TABLE_ROWS = [
    ("地区生产总值", "amount", 234.5, "亿元"), ("地区生产总值", "growth_rate", 6.5, "%"),
    ("第一产业增加值", "amount", 30.2, "亿元"), ("第一产业增加值", "growth_rate", -3.2, "%"),
    ("第二产业增加值", "amount", 90.1, "亿元"), ("第二产业增加值", "growth_rate", 5.1, "%"),
    ("第三产业增加值", "amount", 114.2, "亿元"), ("第三产业增加值", "growth_rate", 7.9, "%"),
]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_communique_table_gives_one_indicator_per_cell_with_the_header_unit(fmt, tmp_path):
    if fmt == "pdf":
        cjk_font()
    (render_pdf if fmt == "pdf" else render_docx)(COMMUNIQUE, tmp_path / f"gongbao.{fmt}")
    # the report rules read no year from a 统计公报 title; the curated sidecar states it
    (tmp_path / "gongbao.yaml").write_text("review_year: 2023\n", encoding="utf-8")
    tables, rejected = tables_for_folder(tmp_path)
    assert not rejected
    ind = tables["indicators"]
    rows = [tuple(r) for r in ind[["metric", "measure", "value", "unit"]].itertuples(index=False)]
    assert rows == TABLE_ROWS + [("一般公共预算收入", "amount", 15.6, "亿元"), ("一般公共预算收入", "growth_rate", 3.3, "%")]
    assert set(ind["year"]) == {2023} and set(ind["kind"]) == {"actual"}
    # every indicator cites a sentence whose text is exactly the decoded text at its offsets
    sentences = tables["sentences"].set_index("sentence_id")
    assert all(sentences.loc[r.sentence_id, "start"] <= r.start < r.end <= sentences.loc[r.sentence_id, "end"] for r in ind.itertuples())
    if fmt == "pdf":
        assert set(sentences["page"]) == {1}


def test_bad_documents_are_refused_alone_within_bounds(tmp_path, monkeypatch):
    """Each bad file is refused with a one-line reason, and the good report beside them is read.
    The stream bomb is run against a lowered memory bound (the worker's own limit is 1 GB)."""
    cjk_font()
    good = blocks_of_text(sorted(SEEDS.glob("003_*.txt"))[0].read_text(encoding="utf-8"))
    render_pdf(good, tmp_path / "good.pdf")
    render_pdf(good[:4], tmp_path / "owner_only.pdf", encrypt="")  # no password to open: read
    render_scan(tmp_path / "scan.pdf")
    render_pdf(good[:4], tmp_path / "locked.pdf", encrypt="secret")
    page_bomb(tmp_path / "pages.pdf", 5000)
    stream_bomb(tmp_path / "stream.pdf", 1024)
    (tmp_path / "cut.pdf").write_bytes((tmp_path / "good.pdf").read_bytes()[:4000])
    (tmp_path / "notzip.docx").write_bytes("这不是Word文件".encode())
    render_docx(good, tmp_path / "cut_docx.docx")
    data = (tmp_path / "cut_docx.docx").read_bytes()
    (tmp_path / "cut_docx.docx").write_bytes(data[: len(data) // 2])
    (tmp_path / "good.txt").write_text("某区报告\n全年增长5%。\n", encoding="utf-8")  # good.pdf's id again
    import pipelines.decoded.pdf as pdf_reader

    real = pdf_reader.limit
    monkeypatch.setattr(pdf_reader, "limit", lambda name, key: 256 if key == "pdf_memory_mb" else real(name, key))

    tables, rejected = tables_for_folder(tmp_path)
    reasons = {r["source_file"]: r["reason"] for r in rejected}
    expected = {
        "scan.pdf": "no text layer",
        "locked.pdf": "encrypted with a password",
        "pages.pdf": "declares 5,000 pages",
        "stream.pdf": "more than the limit of 256 MB",
        "cut.pdf": "damaged",
        "notzip.docx": "not a zip archive",
        "cut_docx.docx": "not a zip archive",
        "good.txt": "same report id",
    }
    assert set(reasons) == set(expected)
    for name, reason in expected.items():
        assert reason in reasons[name] and "\n" not in reasons[name], (name, reasons[name])
    assert set(tables["reports"]["report_id"]) == {"good", "owner_only"}


@pytest.fixture(scope="module")
def documents_site(site_copy):
    """The built seeds plus a communiqué as PDF and bad files of each format, built with `cgr build`."""
    cjk_font()
    reports = site_copy / "reports"
    render_pdf(COMMUNIQUE, reports / "gongbao2023.pdf")
    render_docx(COMMUNIQUE[:3], reports / "news2023.docx")
    render_scan(reports / "scan.pdf")
    render_pdf(COMMUNIQUE, reports / "locked.pdf", encrypt="secret")
    (reports / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    from assets.build import build

    result = build(log=lambda *a: None)
    return result, site_copy / "releases" / result.version


def test_the_build_publishes_the_documents_and_lists_the_bad_ones(documents_site):
    result, release = documents_site
    assert result.ok and result.published
    rejected = {r["source_file"]: r["reason"] for r in json.loads((release / "rejected.json").read_text(encoding="utf-8"))}
    assert "no text layer" in rejected["scan.pdf"]
    assert "encrypted" in rejected["locked.pdf"]
    assert "broken.docx" in rejected
    reports = pd.read_parquet(release / "reports.parquet").set_index("report_id")
    assert {"gongbao2023", "news2023"} <= set(reports.index)
    assert reports.loc["gongbao2023", "source_encoding"] == "pdf"
    sentences = pd.read_parquet(release / "sentences.parquet")
    assert sentences.loc[sentences["report_id"] == "gongbao2023", "page"].eq(1).all()
    assert sentences.loc[sentences["report_id"] != "gongbao2023", "page"].isna().all()
    ind = pd.read_parquet(release / "indicators.parquet")
    got = ind.loc[ind["report_id"] == "gongbao2023", ["metric", "measure", "value", "unit"]]
    assert [tuple(r) for r in got.itertuples(index=False)][: len(TABLE_ROWS)] == TABLE_ROWS
