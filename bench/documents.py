"""Decoding cost per format (issue 23): the seeds as text, as PDF (rendered with a CJK font) and
as .docx, timed through the decoded stage; and how long a PDF bomb takes to be refused.

    python bench/documents.py        # writes bench/results/documents.json
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.decoded.stage import decode_report  # noqa: E402
from pipelines.errors import ReportRejected  # noqa: E402
from tests.documents import blocks_of_text, page_bomb, render_docx, render_pdf, stream_bomb  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def timed(data: bytes, name: str) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    try:
        n = len(decode_report(data, name).text)
        outcome = "read"
    except ReportRejected as e:
        n, outcome = 0, e.reason
    return time.perf_counter() - t0, n, outcome


def main() -> dict:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    out: dict = {"seeds": len(seeds), "formats": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files: dict[str, list[tuple[str, bytes]]] = {"txt": [], "pdf": [], "docx": []}
        for p in seeds:
            blocks = blocks_of_text(p.read_text(encoding="utf-8"))
            files["txt"].append((p.name, p.read_bytes()))
            files["pdf"].append((p.stem + ".pdf", render_pdf(blocks, tmp / (p.stem + ".pdf")).read_bytes()))
            files["docx"].append((p.stem + ".docx", render_docx(blocks, tmp / (p.stem + ".docx")).read_bytes()))
        for name, data in files["txt"]:
            decode_report(data, name)  # one-off loads (OpenCC, rule files) out of the timings
        for fmt, items in files.items():
            seconds = chars = size = 0
            for name, data in items:
                t, n, _ = timed(data, name)
                seconds, chars, size = seconds + t, chars + n, size + len(data)
            out["formats"][fmt] = {"seconds": round(seconds, 2), "chars": chars, "bytes": size,
                                   "chars_per_s": round(chars / seconds) if seconds else None}
        bombs = {}
        for name, path in (("5000_pages.pdf", page_bomb(tmp / "pages.pdf", 5000)), ("3gb_stream.pdf", stream_bomb(tmp / "stream.pdf", 3072))):
            t, _, reason = timed(path.read_bytes(), name)
            bombs[name] = {"bytes": path.stat().st_size, "seconds": round(t, 1), "outcome": reason}
        out["bombs"] = bombs
    out["pdf_worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "documents.json").write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
