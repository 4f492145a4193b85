"""Extraction cost on pathological lines (issue 22): one line of digits and separators must cost
time linear in its length. Times decode, segment and extract on a report holding one such line
of 10k, 50k and 200k characters, and merges the figures into bench/results/<date>.json under
`pathological_lines` (other keys of the day's file are kept).

    python bench/pathological.py            # 10k, 50k, 200k characters
    python bench/pathological.py --sizes 2000 8000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
SIZES = (10_000, 50_000, 200_000)


def _small_numbers(n: int) -> str:
    return ",".join(str(k) for k in range(1, n))


def _grouped_numbers(n: int) -> str:
    return ",".join(f"{k},234,567" for k in range(1, n))


def _amounts(n: int) -> str:
    return "、".join(f"{k}.5亿元" for k in range(1, n))


def _signed(n: int) -> str:
    return "".join(f"-{k}%" for k in range(1, n))


def _one_line_table(n: int) -> str:
    return "| 指标 | 绝对数(亿元) | 增长(%) |" + "".join(f"| 项{k} | {k}.5 | -{k % 9}.1 |" for k in range(1, n))


#: each builds a line of digits and separators from a count of items (cut to the wanted length)
LINES = {"1,2,3,...": _small_numbers, "1,234,567,...": _grouped_numbers, "1.5亿元、2.5亿元、...": _amounts, "-1%-2%-3%...": _signed,
         "| 项1 | 1.5 | -1.1 |...": _one_line_table}


def pathological_line(kind: str, chars: int) -> str:
    line = LINES[kind](chars // 2 + 2)
    return line[:chars]


def report_bytes(line: str) -> bytes:
    return ("某区2024年政府工作报告\n一、2023年工作回顾\n全区地区生产总值增长6.5%。\n" + line + "\n").encode("utf-8")


def run_one(kind: str, chars: int) -> dict:
    from pipelines.decoded.stage import decode_report
    from pipelines.extracted.stage import extract
    from pipelines.raw.stage import RawReport
    from pipelines.segmented.stage import segment_report

    data = report_bytes(pathological_line(kind, chars))
    raw = RawReport("bench_line", "bench_line.txt", hashlib.sha256(data).hexdigest(), len(data), data)
    t0 = time.perf_counter()
    decoded = decode_report(data, raw.source_file)
    t1 = time.perf_counter()
    seg = segment_report(raw.report_id, decoded)
    t2 = time.perf_counter()
    ex = extract(raw, decoded, seg)
    t3 = time.perf_counter()
    return {"line": kind, "chars": chars, "decode_s": round(t1 - t0, 3), "segment_s": round(t2 - t1, 3),
            "extract_s": round(t3 - t2, 3), "total_s": round(t3 - t0, 3), "indicators": len(ex.indicators)}


def measure(sizes=SIZES, kinds=tuple(LINES)) -> list[dict]:
    run_one(kinds[0], 200)  # one-off loads (rules, dictionaries) stay out of the timings
    return [run_one(kind, n) for kind in kinds for n in sizes]


def merge_into_results(key: str, value, when: dt.date | None = None) -> Path:
    """Write `key` into the day's results file, keeping every other key already there."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{(when or dt.datetime.now(dt.timezone.utc).date()).isoformat()}.json"
    result = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    result[key] = value
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), metavar="CHARS")
    args = ap.parse_args(argv)
    rows = measure(args.sizes)
    figures = {"what": "decode + segment + extract of a report holding one line of digits and separators",
               "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), "rows": rows}
    path = merge_into_results("pathological_lines", figures)
    for r in rows:
        print(f"{r['line']:>22} {r['chars']:>8} chars: decode {r['decode_s']:.3f} s, segment {r['segment_s']:.3f} s, "
              f"extract {r['extract_s']:.3f} s, {r['indicators']} indicators")
    print(f"(merged into {path.relative_to(ROOT)})")
    return figures


if __name__ == "__main__":
    main()
