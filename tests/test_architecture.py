"""The shape of the code base: no import cycle, settings read in one place, the data dictionary
in step with the registry, rule files checked against their models, and a snapshot of the
Dagster definitions (asset keys, groups, checks, jobs, sensors) so a rename shows in review."""

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("pipelines", "assets", "expectations")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules a module imports, at top level or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in modules:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def test_no_import_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


ALLOWED_ENVIRON = {"pipelines/settings.py", "assets/cli.py", "assets/ui.py"}


def test_the_environment_is_read_in_the_settings_module_only():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in ALLOWED_ENVIRON and re.search(r"\bos\.environ\b|\bgetenv\(|\benviron\b", path.read_text(encoding="utf-8")):
                offenders.append(rel)
    assert not offenders, offenders


def test_data_dictionary_is_current():
    from pipelines.registry import data_dictionary_markdown

    assert (ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8") == data_dictionary_markdown() + "\n", \
        "regenerate with: python -c 'from pipelines.registry import data_dictionary_markdown as d; print(d())' > docs/DATA_DICTIONARY.md"


def test_a_typo_in_a_rule_file_fails_loudly(tmp_path, monkeypatch):
    import pipelines.rules as rules

    data = tmp_path / "data"
    data.mkdir()
    text = (rules.DATA / "segment_rules.yaml").read_text(encoding="utf-8")
    (data / "segment_rules.yaml").write_text(text.replace("heading_numbered:", "heading_numberd:"), encoding="utf-8")
    monkeypatch.setattr(rules, "DATA", data)
    rules.load_yaml.cache_clear()
    try:
        with pytest.raises(rules.RuleFileError, match=r"segment_rules.yaml: (heading_numberd|heading_numbered)"):
            rules.load_yaml("segment_rules.yaml")
    finally:
        rules.load_yaml.cache_clear()


def test_every_rule_file_fits_its_model():
    from pipelines.rules import FILES, load_yaml

    for name, (model, _layer) in FILES.items():
        if model is not None:
            load_yaml(name)


SNAPSHOT = {
    "assets": {
        "raw_report": "raw", "decoded_report": "decoded", "segmented_report": "segmented",
        "extracted_report_row": "extracted", "extracted_indicators": "extracted", "extracted_mentions": "extracted",
        "reports": "validated", "sentences": "validated", "indicators": "validated", "projects": "validated",
        "project_mentions": "validated", "indicator_catalog": "validated", "target_outcomes": "validated",
        "validation_results": "validated", "release": "release",
    },
    "checks": ["indicator_catalog:gate", "indicators:gate", "project_mentions:gate", "projects:gate", "reports:gate",
               "sentences:gate", "target_outcomes:gate"],
    "jobs": ["release_job", "report_job"],
    "sensors": ["release_automation", "reports_folder"],
}


def test_definitions_snapshot(tmp_path):
    from assets.definitions import build_defs
    from pipelines.settings import Settings

    defs = build_defs(Settings(reports_dir=tmp_path, data_dir=tmp_path / "data", releases_dir=tmp_path / "releases"))
    graph = defs.resolve_asset_graph()
    assets = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    checks = sorted(f"{k.asset_key.to_user_string()}:{k.name}" for k in graph.asset_check_keys)
    jobs = sorted(j.name for j in defs.resolve_all_job_defs() if not j.name.startswith("__"))
    sensors = sorted(s.name for s in defs.sensors)
    assert {"assets": assets, "checks": checks, "jobs": jobs, "sensors": sensors} == SNAPSHOT
