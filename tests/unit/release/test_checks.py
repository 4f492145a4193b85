"""The gate's cross-column and cross-table checks on a real report: each passes on the
pipeline's output and blocks when one row is made wrong."""

import shutil

import pytest

from tests.conftest import SEED_FILES


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    from pipelines.local import tables_for_folder

    folder = tmp_path_factory.mktemp("one-report")
    seed = SEED_FILES[0]
    shutil.copy(seed, folder / seed.name)
    if seed.with_suffix(".yaml").exists():
        shutil.copy(seed.with_suffix(".yaml"), folder / seed.with_suffix(".yaml").name)
    out, rejected = tables_for_folder(folder)
    assert not rejected and len(out["indicators"]) > 5
    return out


def _outcome(result, type_, column):
    return next(o for o in result.outcomes if o.type == type_ and o.column == column)


def _span_wrong(tables):
    df = tables["sentences"].copy()
    df.loc[df.index[3], "end"] = df.loc[df.index[3], "start"]
    return "sentences", df, "expect_column_pair_values_a_to_be_greater_than_b", "end,start"


def _unit_std_wrong(tables):
    df = tables["indicators"].copy()
    k = df.index[(df["unit"] == "亿元") | (df["unit"] == "万元")][0]
    df.loc[k, "unit_std"] = "亩"
    return "indicators", df, "expect_column_pair_values_to_be_equal", "unit_std,unit_std_expected"


def _count_wrong(tables):
    df = tables["reports"].copy()
    df.loc[df.index[0], "n_indicators"] = df.loc[df.index[0], "n_indicators"] + 1
    return "reports", df, "expect_column_pair_values_to_be_equal", "n_indicators,rows_in_indicators"


def _mention_span_wrong(tables):
    df = tables["project_mentions"].copy()
    df.loc[df.index[0], "end"] = df.loc[df.index[0], "start"] - 1
    return "project_mentions", df, "expect_column_pair_values_a_to_be_greater_than_b", "end,start"


@pytest.mark.parametrize("corrupt", [_span_wrong, _unit_std_wrong, _count_wrong, _mention_span_wrong],
                         ids=lambda c: c.__name__.strip("_"))
def test_a_wrong_row_fails_a_blocking_check(tables, corrupt):
    from expectations.gate import run_gate

    table, bad, type_, column = corrupt(tables)
    good = _outcome(run_gate(table, tables[table], tables), type_, column)
    assert good.success and good.severity == "critical"
    result = run_gate(table, bad, {**tables, table: bad})
    outcome = _outcome(result, type_, column)
    assert not outcome.success and outcome.unexpected_count == 1 and not result.passed


@pytest.mark.parametrize("unit, std", [("亿元", "元"), ("万亩", "亩"), ("公里", "米"), ("万", ""), ("%", "%"), ("万平方米", "平方米"), ("斤两", "?")])
def test_expected_unit_std_follows_the_unit_vocabulary(unit, std):
    from expectations.gate import expected_unit_std

    assert expected_unit_std(unit) == std


def test_data_docs_are_the_same_when_built_twice(tables, tmp_path):
    """GX stamps its pages with the build time and random ids; the release's copy must not change
    between two builds of the same release (the CDN links are the one thing left to the network)."""
    from pipelines.release.docs import build_data_docs

    built = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        folder = build_data_docs(tmp_path / name, "v1.0.0", "2026-01-02T03:04:05+00:00", tables)
        built.append({p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})
    assert built[0] == built[1]
    assert "index.html" in built[0] and any(k.startswith("validations/cgr_indicators/v1.0.0/20260102T030405") for k in built[0])
    assert b"cgr-offline-index" in built[0]["index.html"]
