"""Decode benchmark on damaged copies: every seed and corpus text damaged K times by
bench/damage.py, decoded by the decoded stage, scored by character error rate against the
decoded clean text (whitespace and width ignored). Also decoding speed in characters per second.

    python bench/decode_damage.py [--copies K] [--seed S] [--out bench/results/decode-damage.json]
                                  [--before DIR]

`--before DIR`: DIR holds an earlier `pipelines` package (e.g. `git archive <commit> pipelines |
tar -x -C DIR`); the same copies are then also decoded by it, in a subprocess, and its figures are
written under "before". The summaries also go under `decode_damage` in bench/results/<date>.json
when the output is in bench/results/. Speeds are CPU time of the decoding process (best of 3 rounds), so other
load on the machine moves them less than wall time would.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import re
import statistics
import subprocess
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
    try:
        d = decode_report(damaged, name)
    except Exception as exc:  # an earlier decoder may crash: that is a result too
        return {"file": name, "chars": len(reference), "cer": None, "error": f"{type(exc).__name__}: {exc}"}
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
    """Input characters (of the UTF-8 files) decoded per second (best of `rounds`): counted on
    the input, so a decoder that leaves annotations in its output gets no credit for them."""
    from pipelines.decoded.stage import decode_report

    def decode(b: bytes) -> None:
        try:
            decode_report(b)
        except Exception:
            pass

    for b in blobs[:3]:
        decode(b)  # one-off loads (OpenCC, pypinyin, charset-normalizer) stay out
    chars = sum(len(b.decode("utf-8", errors="replace")) for b in blobs)
    best = None
    for _ in range(rounds):
        t0 = time.process_time()
        for b in blobs:
            decode(b)
        elapsed = time.process_time() - t0
        best = elapsed if best is None else min(best, elapsed)
    return {"files": len(blobs), "chars": chars, "seconds": round(best, 3), "chars_per_s": round(chars / best)}


def _summary(per_file: list[dict]) -> dict:
    scored = [r for r in per_file if r["cer"] is not None]
    cers = [r["cer"] for r in scored]
    return {
        "mean_cer": round(statistics.mean(cers), 6) if cers else None,
        "median_cer": round(statistics.median(cers), 6) if cers else None,
        "max_cer": max(cers) if cers else None,
        "copies_over_0.5pct": sum(c > 0.005 for c in cers),
        "pinyin_left": sum(r["pinyin_left"] for r in scored),
        "question_marks_new": sum(r["question_marks_new"] for r in scored),
        "marks_new": sum(r["marks_new"] for r in scored),
        "crashed": len(per_file) - len(scored),
    }


def run_before(before: Path, copies: int, seed: int) -> dict:
    """The same copies decoded by the `pipelines` package in `before`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "before.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(before), str(ROOT)])}
        subprocess.run([sys.executable, __file__, "--copies", str(copies), "--seed", str(seed), "--out", str(out)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        result = json.loads(out.read_text(encoding="utf-8"))
    return {"pipelines": str(before), "summary": result["summary"], "speed": result["speed"],
            "per_file": [{k: r.get(k) for k in ("file", "cer", "error")} for r in result["per_file"]]}


def run(copies: int, seed: int, before: Path | None = None) -> dict:
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
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.python_implementation()} {platform.python_version()} {platform.machine()}",
        "copies_per_text": copies,
        "texts": len(sources),
        "copies": len(per_file),
        "seed": seed,
        "summary": _summary(per_file),
        "speed": {"clean": decode_speed(clean_blobs), "damaged": decode_speed(damaged_blobs)},
        "per_file": per_file,
    }
    if before is not None:
        result["before"] = run_before(before, copies, seed)
    return result


def merge_into_dated(result: dict, results_dir: Path) -> Path:
    """The headline figures (summary and speed, now and before) under `decode_damage` in
    `bench/results/<date>.json`, beside the other benchmarks' keys; per-file figures stay in
    decode-damage.json."""
    path = results_dir / f"{result['date']}.json"
    dated = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"date": result["date"]}
    entry = {"copies": result["copies"], "texts": result["texts"], "seed": result["seed"],
             "summary": result["summary"], "speed": result["speed"], "per_file": "decode-damage.json"}
    if "before" in result:
        entry["before"] = {"pipelines": result["before"]["pipelines"], "summary": result["before"]["summary"],
                           "speed": result["before"]["speed"]}
    dated["decode_damage"] = entry
    path.write_text(json.dumps(dated, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=1)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "decode-damage.json")
    ap.add_argument("--before", type=Path, help="a folder holding an earlier `pipelines` package")
    a = ap.parse_args()
    result = run(a.copies, a.seed, a.before)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if a.out.parent == ROOT / "bench" / "results":
        merge_into_dated(result, a.out.parent)
    for label, part in [("now", result)] + ([("before", result["before"])] if "before" in result else []):
        s, sp = part["summary"], part["speed"]
        mean = "n/a" if s["mean_cer"] is None else f"{s['mean_cer']:.4%}"
        print(f"{label}: {result['copies']} copies of {result['texts']} texts: mean CER {mean}, "
              f"{s['copies_over_0.5pct']} over 0.5%, {s['crashed']} crashed; pinyin left {s['pinyin_left']}, "
              f"new ? {s['question_marks_new']}, new U+FFFD {s['marks_new']}; "
              f"speed clean {sp['clean']['chars_per_s']:,} chars/s, damaged {sp['damaged']['chars_per_s']:,} chars/s")
