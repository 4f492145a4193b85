"""The release's human pages in a browser: the plain-language validation summary states the
pass/warn/fail counts and links GX's Data Docs, which open from validation/index.html; the data
card renders as HTML. Screenshots go to tests/artifacts/ (ignored by git). Without chromium the
browser part is skipped with the reason."""

import json
import re
from pathlib import Path

import pytest

from tests.integration.browser import CHROMIUM, chromium_tab

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(scope="module")
def release(built_site):
    root, result = built_site
    return result.path


def test_the_summary_is_plain_language(release):
    page = (release / "validation.html").read_text(encoding="utf-8")
    assert re.search(r"\d+ passed</span> <span class='warn'>\d+ warned</span> <span class='fail'>0 failed", page)
    for raw in ("$", "condition_parser", "expect_column", "[null", "row_condition"):
        assert raw not in page, raw
    assert "href='validation/index.html'" in page
    assert "Every report_id names an existing row of reports" in re.sub("<[^>]+>", "", page)


def test_data_docs_folder_is_complete(release):
    docs = release / "validation"
    assert (docs / "index.html").exists()
    # a suite page and a validation page for every table that has rows
    from pipelines import registry

    tables_with_rows = [n for n in registry.TABLES if json.loads((release / "release.json").read_text())["row_counts"][n]]
    assert {p.stem for p in (docs / "expectations").glob("*.html")} == {f"cgr_{n}" for n in tables_with_rows}
    assert {p.relative_to(docs / "validations").parts[0] for p in (docs / "validations").rglob("*.html")} == {f"cgr_{n}" for n in tables_with_rows}
    assert not re.search(r"\?d=\d{8}T", (docs / "index.html").read_text(encoding="utf-8"))


@pytest.mark.browser
def test_pages_open_in_headless_chromium(release):
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_tab(1280, 1000) as tab:
        tab.goto((release / "validation.html").as_uri())
        counts = tab.locator("p.counts").inner_text()
        assert re.search(r"\d+ passed\s+\d+ warned\s+0 failed", counts), counts
        tab.screenshot(path=str(ARTIFACTS / "validation-summary.png"), full_page=True)
        # GX's Data Docs: the index lists every table's validation; a validation page opens from it
        tab.goto((release / "validation" / "index.html").as_uri(), wait_until="load", timeout=60000)
        assert tab.locator("#cgr-offline-index a[href*='validations/cgr_indicators']").count() == 1
        tab.screenshot(path=str(ARTIFACTS / "validation-data-docs-index.png"), full_page=True)
        page = next((release / "validation" / "validations" / "cgr_indicators").rglob("*.html"))
        tab.goto(page.as_uri(), wait_until="load", timeout=60000)
        body = tab.inner_text("body")
        assert "cgr_indicators" in body and "Expectation Validation Result" in body and "0% unexpected" in body
        tab.screenshot(path=str(ARTIFACTS / "validation-data-docs-indicators.png"))
        tab.goto((release / "README.html").as_uri())
        assert tab.locator("h2", has_text="Sources and terms of republication").count() == 1
        tab.screenshot(path=str(ARTIFACTS / "data-card.png"))
    assert (ARTIFACTS / "validation-summary.png").stat().st_size > 10_000
