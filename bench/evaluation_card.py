"""Refresh pipelines/release/evaluation.json, the extraction scores the data card of every release
quotes: the seeds and the development corpus, each against its gold, with today's rules.
Run after a rule change: `python bench/evaluation_card.py`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.evaluate import evaluate_tables  # noqa: E402
from pipelines.local import tables_for_folder  # noqa: E402
from pipelines.release.datacard import EVALUATION  # noqa: E402

SETS = (("seeds", ROOT / "seeds", ROOT / "tests" / "fixtures" / "gold"),
        ("corpus", ROOT / "tests" / "fixtures" / "corpus", ROOT / "tests" / "fixtures" / "corpus" / "gold"))


def record(name: str, folder: Path, gold: Path) -> dict:
    tables, _ = tables_for_folder(folder)
    s = evaluate_tables(gold, tables)
    prf = lambda p: {"precision": round(p.precision, 3), "recall": round(p.recall, 3), "f1": round(p.f1, 3)}  # noqa: E731
    return {
        "set": name,
        "reports": len(tables["reports"]),
        "indicators": prf(s.indicators),
        "indicator_attributes": {a: round(s.accuracy(a), 3) for a in s.attributes},
        "indicator_codes": {"recall": round(s.codes["recall"], 3), "precision": round(s.codes["precision"], 3)},
        "projects": prf(s.projects),
        "projects_lenient": prf(s.projects_lenient),
        "project_attributes": {a: round(s.project_accuracy(a), 3) for a in s.project_attributes},
        "report_fields": {f: f"{c}/{t}" for f, (c, t) in s.report_fields.items()},
        "report_fields_where_stated": {f: f"{c}/{t}" for f, (c, t, _) in s.report_stated.items()},
        "measured": dt.date.today().isoformat(),
        "gold": str(gold.relative_to(ROOT)),
    }


if __name__ == "__main__":
    records = [record(*s) for s in SETS]
    EVALUATION.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {EVALUATION.relative_to(ROOT)}")
