"""Great Expectations' own Data Docs for a release, in `validation/`: the same suites as the gate
(expectations/gate.py), run by a GX checkpoint whose UpdateDataDocsAction writes a local site.

What GX makes deterministic and what it does not (a release must be byte-identical when rebuilt):
- the run is named after the version and timed at the release's `created`, so the validation
  pages' paths (`validations/<suite>/<version>/<created>/...`) repeat;
- GX stamps the page's logo URL with the build time (`?d=<now>`), records the batch's load time
  (`ge_load_time`) and gives collapsible blocks random uuid4 ids: the stamp is removed, the load
  time replaced by the release's time and the ids numbered in page order;
- the pages load Bootstrap, jQuery, Vega and Font Awesome from public CDNs: offline the validation
  pages show unstyled but complete, and the index's own list (drawn by a CDN script) stays empty,
  so a plain list of the pages is put first; GX's bundled images and fonts no page uses are dropped.
A foreign key is validated here as "the value exists in the referenced table" on a derived
yes/no column, so a page does not list every id of the referenced table.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .. import registry

FOLDER = "validation"
STAMP = re.compile(r"\?d=\d{8}T\d{6}\.\d{6}Z")
LOAD_TIME = re.compile(r"\b\d{8}T\d{6}\.\d{6}Z\b")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _docs_specs(table: str, tables: dict[str, pd.DataFrame], df: pd.DataFrame) -> tuple[list[dict], pd.DataFrame]:
    from expectations.gate import all_specs

    specs, extra = [], {}
    for spec in all_specs(table, tables):
        if "foreign_key" in spec:
            column = spec["kwargs"]["column"]
            ref_table, ref_column = spec["foreign_key"].split(".")
            derived = f"{column} exists in {ref_table}.{ref_column}"
            ref = tables.get(ref_table)
            known = set(ref[ref_column].dropna()) if ref is not None and len(ref) else set()
            extra[derived] = df[column].map(lambda v, k=known: v in k).astype(object)
            spec = {**spec, "kwargs": {"column": derived, "value_set": [True]}}
            spec.pop("foreign_key")
        specs.append(spec)
    return specs, df.assign(**extra) if extra else df


def build_data_docs(out: Path, version: str, created: str, tables: dict[str, pd.DataFrame]) -> Path:
    """Write GX Data Docs for every table into `out/validation/`; returns that folder."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier

    from expectations.gate import _plain, build_suite, prepare

    target = out / FOLDER
    with tempfile.TemporaryDirectory(prefix=".docs-", dir=out) as tmp:
        context = gx.get_context(mode="ephemeral")
        try:
            context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        except Exception:  # cosmetic
            pass
        context.add_data_docs_site(site_name="release", site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(tmp).resolve())},
        })
        source = context.data_sources.add_pandas("cgr")
        frames, definitions = {}, []
        for name in registry.TABLES:
            df = tables[name]
            if not len(df):
                continue  # an empty table meets every expectation; GX cannot batch it
            specs, df = _docs_specs(name, tables, df)
            suite = context.suites.add(build_suite(name, specs))
            batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("all")
            definitions.append(context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite)))
            frames[name] = _plain(prepare(name, df, tables))
        run_time = dt.datetime.fromisoformat(created)
        for definition in definitions:
            checkpoint = context.checkpoints.add(gx.Checkpoint(
                name=f"release_{definition.name}", validation_definitions=[definition],
                actions=[UpdateDataDocsAction(name="data_docs", site_names=["release"])],
                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 10}))
            checkpoint.run(batch_parameters={"dataframe": frames[definition.name]},
                           run_id=RunIdentifier(run_name=version, run_time=run_time))
        _tidy(Path(tmp), run_time.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ"))
        shutil.copytree(tmp, target)
    return target


def _offline_index(site: Path) -> None:
    """GX's index lists the validations with a script loaded from a CDN: offline the list is
    empty. A plain list of the same pages goes first, so the folder works without a network."""
    index = site / "index.html"
    if not index.exists():
        return
    items = []
    for page in sorted((site / "validations").rglob("*.html")):
        suite = page.relative_to(site / "validations").parts[0]
        items.append(f"<li><a href='{page.relative_to(site).as_posix()}'>{html.escape(suite)}: validation result</a> · "
                     f"<a href='expectations/{html.escape(suite)}.html'>expectation suite</a></li>")
    nav = ("<nav id='cgr-offline-index' style='margin:1em 2em'><h2>Validation results of this release</h2>"
           "<p>One page per table (the list below works offline; GX's own table under it needs its CDN scripts).</p>"
           f"<ul>{''.join(items)}</ul></nav>")
    text = index.read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>", text)
    if body:
        index.write_text(text[:body.end()] + nav + text[body.end():], encoding="utf-8")


def _tidy(site: Path, run_stamp: str) -> None:
    """Remove the build-time stamps and the bundled assets no page refers to."""
    _offline_index(site)
    pages = sorted(site.rglob("*.html"))
    texts = {}
    for page in pages:
        text = STAMP.sub("", page.read_text(encoding="utf-8"))
        text = LOAD_TIME.sub(run_stamp, text)  # the batch's `ge_load_time` marker: the release's time
        numbers: dict[str, str] = {}  # GX gives each collapsible block a random uuid4: number them
        text = UUID.sub(lambda m: numbers.setdefault(m.group(0), f"block-{len(numbers) + 1}"), text)
        page.write_text(text, encoding="utf-8")
        texts[page] = text
    static = site / "static"
    texts.update({css: css.read_text(encoding="utf-8", errors="replace") for css in sorted(site.rglob("*.css"))})
    for asset in sorted(p for p in static.rglob("*") if p.is_file()) if static.exists() else []:
        if not any(asset.name in text for text in texts.values()):
            asset.unlink()
