"""Segmentation cost against jieba alone (issue 4): segmenting the five seeds, tokens included,
should take less than tokenising their decoded text with jieba plus 25%.

    python bench/segmentation.py        # writes bench/results/segmentation.json
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.decoded.stage import decode_file  # noqa: E402
from pipelines.segmented.stage import segment_report  # noqa: E402
from pipelines.segmented.tokens import _tokenizer  # noqa: E402
from pipelines.settings import DEFAULT_MAX_REPORT_BYTES  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def best_of(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main(repeat: int = 5) -> dict:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    decoded = [(p.stem, decode_file(p, DEFAULT_MAX_REPORT_BYTES)) for p in seeds]
    tok = _tokenizer()
    tok.lcut("预热", HMM=True)  # dictionary load is a one-off per process; keep it out of both timings

    def jieba_only():
        for _, d in decoded:
            tok.lcut(d.text, HMM=True)

    def segment_all():
        for rid, d in decoded:
            segment_report(rid, d)

    jieba_best, jieba_median = best_of(jieba_only, repeat)
    seg_best, seg_median = best_of(segment_all, repeat)
    result = {
        "what": "segment_report (lines, blocks, sentences, parts, jieba tokens) on the five seeds vs jieba.lcut on their decoded text",
        "reports": len(decoded),
        "characters": sum(len(d.text) for _, d in decoded),
        "repeat": repeat,
        "jieba_seconds_best": round(jieba_best, 4),
        "jieba_seconds_median": round(jieba_median, 4),
        "segment_seconds_best": round(seg_best, 4),
        "segment_seconds_median": round(seg_median, 4),
        "ratio_best": round(seg_best / jieba_best, 3),
        "budget_ratio": 1.25,
        "within_budget": seg_best <= 1.25 * jieba_best,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "segmentation.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
