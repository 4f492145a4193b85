"""Decode benchmark on damaged copies: every seed and corpus text damaged K times by
bench/damage.py, decoded by the decoded stage, scored by character error rate against the
decoded clean text (whitespace and width ignored). Also decoding speed in characters per second.

    python bench/decode_damage.py [--copies K] [--seed S] [--out bench/results/decode-damage.json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.damage import clean_sources, write_copies  # noqa: E402

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
#: a pinyin annotation left in decoded text: toned, or a bare lower-case syllable in brackets
#: straight after a Han character
LEFTOVER_PINYIN = re.compile(rf"[\u3400-\u9fff][(（][a-zü{TONED}]{{1,7}}[)）]|[{TONED}]")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    from pipelines.chars import fold_width

    return _SPACE.sub("", fold_width(text))


def _levenshtein(a: str, b: str) -> int:
    if not a or not b:
        return len(a) + len(b)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def edit_distance(ref: str, hyp: str) -> int:
    """Levenshtein distance, computed exactly inside the differing stretches that a diff
    (difflib, no junk heuristic) finds: an upper bound that equals the true distance unless two
    stretches could share edits, which long identical runs between them make rare."""
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    total = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            total += _levenshtein(ref[i1:i2], hyp[j1:j2]) if (i2 - i1) * (j2 - j1) <= 4_000_000 else max(i2 - i1, j2 - j1)
        elif tag != "equal":
            total += max(i2 - i1, j2 - j1)
    return total


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


def score_copy(clean_text: str, damaged: bytes, name: str) -> dict:
    """Decode one damaged copy and compare it with the decoded clean text."""
    from pipelines.decoded.stage import decode_report

    reference = decode_report(clean_text.encode("utf-8"), name).text
    d = decode_report(damaged, name)
    return {
        "file": name,
        "chars": len(reference),
        "cer": round(cer(reference, d.text), 6),
        "pinyin_left": len(LEFTOVER_PINYIN.findall(d.text)),
        "question_marks_new": max(0, d.text.count("?") - reference.count("?")),
        "marks_new": max(0, d.text.count("\ufffd") - reference.count("\ufffd")),
        "script": d.script,
        "repairs": {"pinyin": d.repairs_pinyin, "mojibake": d.repairs_mojibake,
                    "punctuation": d.repairs_punctuation, "dropped_lines": d.repairs_dropped_lines},
    }


def decode_speed(blobs: list[bytes], rounds: int = 3) -> dict:
    """Characters of decoded text per second over the given files (best of `rounds`)."""
    from pipelines.decoded.stage import decode_report

    for b in blobs[:3]:
        decode_report(b)  # one-off loads (OpenCC, pypinyin, charset-normalizer) stay out
    best = None
    chars = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        chars = sum(len(decode_report(b).text) for b in blobs)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return {"files": len(blobs), "chars": chars, "seconds": round(best, 3), "chars_per_s": round(chars / best)}


def run(copies: int, seed: int) -> dict:
    sources = clean_sources()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        rows = write_copies(sources, out, copies, seed)
        per_file = []
        for row in rows:
            result = score_copy((out / row["clean"]).read_text(encoding="utf-8"), (out / row["file"]).read_bytes(), row["file"])
            per_file.append({**result, "damage": {k: v for k, v in row.items() if k not in ("file", "clean", "notes")}})
        damaged_blobs = [(out / row["file"]).read_bytes() for row in rows]
    clean_blobs = [p.read_bytes() for p in sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.txt"))]
    cers = [r["cer"] for r in per_file]
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.python_implementation()} {platform.python_version()} {platform.machine()}",
        "copies_per_text": copies,
        "texts": len(sources),
        "copies": len(per_file),
        "seed": seed,
        "summary": {
            "mean_cer": round(statistics.mean(cers), 6),
            "median_cer": round(statistics.median(cers), 6),
            "max_cer": max(cers),
            "copies_over_0.5pct": sum(c > 0.005 for c in cers),
            "pinyin_left": sum(r["pinyin_left"] for r in per_file),
            "question_marks_new": sum(r["question_marks_new"] for r in per_file),
            "marks_new": sum(r["marks_new"] for r in per_file),
        },
        "speed": {"clean": decode_speed(clean_blobs), "damaged": decode_speed(damaged_blobs)},
        "per_file": per_file,
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "decode-damage.json")
    a = ap.parse_args()
    result = run(a.copies, a.seed)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    s, sp = result["summary"], result["speed"]
    print(f"{result['copies']} copies of {result['texts']} texts: mean CER {s['mean_cer']:.4%}, median {s['median_cer']:.4%}, "
          f"max {s['max_cer']:.4%}, {s['copies_over_0.5pct']} over 0.5%; pinyin left {s['pinyin_left']}, "
          f"new ? {s['question_marks_new']}, new U+FFFD {s['marks_new']}")
    print(f"speed: clean {sp['clean']['chars_per_s']:,} chars/s, damaged {sp['damaged']['chars_per_s']:,} chars/s")
