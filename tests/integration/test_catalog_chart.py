"""The catalog page's chart of the data itself: targets against outcomes for the catalogue codes
with the most figures, by area and year, as inline SVG. A release is published from a plan and a
review of one district (texts written for the test), and the page is rendered in headless
Chromium; the screenshot is kept in tests/integration/artifacts/ (ignored by git). Without a
browser the browser part is skipped with the reason."""

import re
from pathlib import Path

import pytest

from tests.integration.browser import CHROMIUM, chromium_tab
from tests.unit.validated.test_target_outcomes import PLAN, REVIEW, SIDECAR

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    from expectations.gate import run_gate
    from pipelines.local import tables_for_folder
    from pipelines.release.stage import publish

    folder = tmp_path_factory.mktemp("reports")
    for name, text, review, plan in (("plan_2019", PLAN, 2018, 2019), ("review_2020", REVIEW, 2019, 2020)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / f"{name}.yaml").write_text(SIDECAR.format(review=review, plan=plan), encoding="utf-8")
    tables, _ = tables_for_folder(folder)
    results = [run_gate(name, df, tables) for name, df in tables.items()]
    gate = {"passed": all(r.passed for r in results), "tables": [r.to_json() for r in results]}
    out = tmp_path_factory.mktemp("releases")
    assert publish(tables, gate, [], out).published
    return out


def test_the_chart_shows_targets_against_outcomes(releases):
    page = (releases / "index.html").read_text(encoding="utf-8")
    assert "targets against outcomes" in page and "<script" not in page and not re.search(r"(?:href|src)=['\"]?(?:https?:)?//", page)
    chart = page.split("aria-label='Targets against outcomes by area and year'", 1)[1].split("</svg>", 1)[0]
    assert "gdp — gross regional product (growth_rate, %)" in chart
    assert "杏花岭区 2019" in chart
    assert chart.count("<polygon") >= 4 and chart.count("<circle") >= 4  # targets and outcomes of four codes
    assert "#2e7d32" in chart and "#c62828" in chart  # met (GDP 7.1 against 6.5左右) and missed (investment 6.2 against 8以上)


def test_the_chart_renders_in_headless_chromium(releases):
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine (apt-get install chromium); the chart was checked as HTML only")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_tab(1200, 900) as tab:
        failed = []
        tab.on("requestfailed", lambda request: failed.append(request.url))
        tab.goto((releases / "index.html").as_uri(), wait_until="networkidle")
        chart = tab.locator("svg[aria-label='Targets against outcomes by area and year']")
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        assert chart.locator("circle").count() >= 4
        chart.screenshot(path=str(ARTIFACTS / "catalog_targets_chart.png"))
        tab.screenshot(path=str(ARTIFACTS / "catalog_with_targets.png"), full_page=True)
    assert not failed, failed
    assert (ARTIFACTS / "catalog_targets_chart.png").stat().st_size > 2000
