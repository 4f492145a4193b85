"""`make bench`: stage throughput, incremental cost, a 10,000-report release and drop-to-release
time, on a synthetic corpus made from the seeds (bench/corpus.py), and the cost of pathological
lines (bench/pathological.py). Figures go to
bench/results/<date>.json and a Markdown summary is printed.

    python bench/run.py                     # default sizes (N up to 1,000 builds, 10,000-report release)
    python bench/run.py --quick             # small sizes for CI
    python bench/run.py --incremental 1000  # only adding one report to N=1000

The acceptance figures (core_vs_jieba, dagster_overhead_ratio, add_one_share_at_1000,
noop_build_s, release_peak_rss_mb_1000, release_peak_rss_mb_10000) are written at the top
level of the results file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"

from bench.corpus import generate  # noqa: E402


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def throughput(n_reports: int) -> dict:
    """Decode, segment and extract side by side on the same reports, against jieba alone and
    OpenCC alone on the same decoded text."""
    from pipelines.decoded.script import _converter
    from pipelines.decoded.stage import decode
    from pipelines.extracted.stage import extract
    from pipelines.raw.stage import read_raw
    from pipelines.segmented.stage import segment_report
    from pipelines.segmented.tokens import _tokenizer
    from pipelines.settings import DEFAULT_MAX_REPORT_BYTES

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(n_reports, Path(tmp))
        raws = [read_raw(p.stem, p, DEFAULT_MAX_REPORT_BYTES) for p in paths]
        _tokenizer().lcut("预热")  # one-off dictionary loads stay out of every timing
        _converter().convert("預熱")
        from pipelines.extracted.gazetteer import resolve
        from pipelines.extracted.project_names import tag

        tag("预热")
        resolve("预热")  # the gazetteer's one-off compile stays out of the extraction timing
        d0 = decode(raws[0])  # and so do the rule files' one-off loads: one report end to end, untimed
        extract(raws[0], d0, segment_report(paths[0].stem, d0))
        t_decode, decoded = _timed(lambda: [decode(r) for r in raws])
        t_segment, segmented = _timed(lambda: [segment_report(p.stem, d) for p, d in zip(paths, decoded)])
        t_extract, _ = _timed(lambda: [extract(r, d, s) for r, d, s in zip(raws, decoded, segmented)])
        texts = [d.text for d in decoded]
        chars = sum(len(t) for t in texts)
        t_jieba, _ = _timed(lambda: [_tokenizer().lcut(t, HMM=True) for t in texts])
        t_opencc, _ = _timed(lambda: [_converter().convert(t) for t in texts])
    core = t_decode + t_segment + t_extract
    rate = lambda s: round(chars / s) if s else None
    return {
        "reports": n_reports, "chars": chars,
        "chars_per_s": {"decode": rate(t_decode), "segment": rate(t_segment), "extract": rate(t_extract), "core": rate(core),
                        "jieba_alone": rate(t_jieba), "opencc_tw2s_alone": rate(t_opencc)},
        "seconds": {"decode": round(t_decode, 3), "segment": round(t_segment, 3), "extract": round(t_extract, 3),
                    "jieba_alone": round(t_jieba, 3), "opencc_tw2s_alone": round(t_opencc, 3)},
        "core_vs_jieba": round(t_jieba / core, 3),
    }


def incremental(n: int) -> dict:
    """A full build at N reports, then one report added: wall time and work done."""
    from assets.build import build

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        paths = generate(n + 1, corpus)
        reports = root / "reports"
        reports.mkdir()
        for p in paths[:-1]:
            os.link(p, reports / p.name)
        os.environ.update(CGR_REPORTS_DIR=str(reports), CGR_DATA_DIR=str(root / "data"), CGR_RELEASES_DIR=str(root / "releases"))
        t_full, full = _timed(lambda: build(log=lambda *a: None))
        os.link(paths[-1], reports / paths[-1].name)
        t_add, add = _timed(lambda: build(log=lambda *a: None))
        if not (full.ok and add.ok):
            return {"n": n, "error": "the gate blocked the release: " + "; ".join((full.gate_failures + add.gate_failures)[:3])}
        index = json.loads((root / "releases" / "index.json").read_text())
        rows = index["releases"][-1]["row_counts"]
    return {
        "n": n, "full_build_s": round(t_full, 2), "full_report_runs_s": round(full.report_seconds, 2), "full_release_s": round(full.release_seconds, 2),
        "add_one_s": round(t_add, 2), "add_one_report_run_s": round(add.report_seconds, 3), "add_one_release_s": round(add.release_seconds, 2),
        "partitions_executed": len(add.processed), "release_rows_rewritten": sum(rows.values()),
        "ratio_to_full": round(t_add / t_full, 3), "version": add.version,
    }


REPLICATE = r"""
import copy as copying, hashlib, pickle, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.corpus import generate
from pipelines.local import layers_for_folder

n, tmp = int(sys.argv[2]), Path(sys.argv[3])
generate(40, tmp / "corpus")
extracted, segmented, _ = layers_for_folder(tmp / "corpus")
base = sorted(extracted)

def copy(frame, rid, new):
    out = frame.copy()
    out["report_id"] = new
    for col in ("sentence_id", "indicator_id"):
        if col in out:
            out[col] = out[col].str.replace(rid, new, regex=False)
    return out

stage = tmp / "assets"
for name in ("extracted_report_row", "extracted_indicators", "extracted_mentions", "segmented_report"):
    (stage / name).mkdir(parents=True, exist_ok=True)
for k in range(n):
    rid = base[k % len(base)]
    new = f"r{k:05d}"
    x = extracted[rid]
    # a distinct file per copy, as a real corpus has
    report = dict(x.report, report_id=new, source_file=new + ".txt", source_sha256=hashlib.sha256(new.encode()).hexdigest())
    seg = copying.deepcopy(segmented[rid])
    seg.report_id = new
    for s in seg.sentences:
        s.sentence_id = s.sentence_id.replace(rid, new)
    for name, obj in (("extracted_report_row", report), ("extracted_indicators", copy(x.indicators, rid, new)),
                      ("extracted_mentions", copy(x.mentions, rid, new)), ("segmented_report", seg)):
        (stage / name / f"{new}.pickle").write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
"""

#: the release step as the pipeline runs it (assets/validated.py, assets/release.py) on the
#: per-report objects in stage storage: tables streamed to a staged folder, gates on the
#: columns they read, the staged files copied into the release
RELEASE_AT_SCALE = r"""
import json, pickle, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipelines.extracted.stage import Extracted
from pipelines.release.stage import publish
from pipelines.release.writer import ReleaseTables, write_tables
from pipelines.validated.stage import table_batches
from expectations.gate import load_for_gates, run_gate

tmp = Path(sys.argv[2])
stage = tmp / "assets"
keys = sorted(p.stem for p in (stage / "extracted_report_row").glob("*.pickle"))
read = lambda name, k: pickle.loads((stage / name / f"{k}.pickle").read_bytes())

def load(ks):
    return ({k: Extracted(read("extracted_report_row", k), read("extracted_indicators", k), read("extracted_mentions", k)) for k in ks},
            {k: read("segmented_report", k) for k in ks})

t0 = time.perf_counter()
written = write_tables(stage / "tables", table_batches(keys, load), staged=True)
t1 = time.perf_counter()
tables = load_for_gates(stage / "tables")
gates = {name: run_gate(name, tables[name], tables) for name in tables}
del tables
t2 = time.perf_counter()
gate = {"passed": all(g.passed for g in gates.values()), "tables": [g.to_json() for g in gates.values()]}
result = publish(ReleaseTables.from_staged(stage / "tables"), gate, [], tmp / "releases")
t3 = time.perf_counter()
print(json.dumps({"reports": len(keys), "rows": {k: w.rows for k, w in written.items()}, "combine_s": round(t1 - t0, 2), "gate_s": round(t2 - t1, 2),
                  "publish_s": round(t3 - t2, 2), "release_build_s": round(t3 - t0, 2), "gate_passed": gate["passed"],
                  "published": result.version, "jieba_loaded": "jieba" in sys.modules,
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "gate_failures": [f.describe()[:200] for g in gates.values() for f in g.failures]}))
"""


def release_at_scale(n: int) -> dict:
    """The release step (stream the tables, gates, publish) for N reports' per-report objects,
    replicated from 40 processed synthetic reports into stage storage by another process; the
    release runs in a fresh process for a clean peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        rep = subprocess.run([sys.executable, "-c", REPLICATE, str(ROOT), str(n), tmp], capture_output=True, text=True, cwd=ROOT)
        if rep.returncode != 0:
            return {"reports": n, "error": rep.stderr.strip().splitlines()[-1] if rep.stderr.strip() else f"exit {rep.returncode}"}
        out = subprocess.run([sys.executable, "-c", RELEASE_AT_SCALE, str(ROOT), tmp], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        return {"reports": n, "error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def dagster_overhead(n: int) -> dict:
    """Adding n reports: the report runs of `cgr build` against the same layers without Dagster
    (pipelines.local, same process, dictionaries already loaded); the overhead per unit of work."""
    from assets.build import build
    from pipelines.local import layers_for_folder

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = generate(n, root / "reports")
        layers_for_folder(root / "reports")  # warm: dictionaries and rules loaded once, as in a long build
        t_work, _ = _timed(lambda: layers_for_folder(root / "reports"))
        os.environ.update(CGR_REPORTS_DIR=str(root / "reports"), CGR_DATA_DIR=str(root / "data"), CGR_RELEASES_DIR=str(root / "releases"))
        t_build, res = _timed(lambda: build(log=lambda *a: None))
        from dagster import DagsterInstance

        instance = DagsterInstance.get()
        records = instance.get_run_records()
        events = sum(len(instance.all_logs(r.dagster_run.run_id)) for r in records if r.dagster_run.job_name == "report_job")
        runs = sum(r.dagster_run.job_name == "report_job" for r in records)
    return {"reports": len(paths), "work_without_dagster_s": round(t_work, 2), "report_runs_s": round(res.report_seconds, 2),
            "release_run_s": round(res.release_seconds, 2), "build_s": round(t_build, 2), "report_runs": runs, "report_run_events": events,
            "dagster_overhead_ratio": round((res.report_seconds - t_work) / t_work, 3)}


def noop_build() -> dict:
    """`cgr build` twice on the seeds: the second, with nothing changed, in a fresh process (wall
    time of the command, imports included) and the runs it started."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = dict(os.environ, CGR_REPORTS_DIR=str(ROOT / "seeds"), CGR_DATA_DIR=str(root / "data"), CGR_RELEASES_DIR=str(root / "releases"),
                   PYTHONPATH=str(ROOT))
        cmd = [sys.executable, "-m", "assets.cli", "build"]
        subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=True)
        count = ("import os, sys; os.environ['DAGSTER_HOME'] = sys.argv[1]\n"
                 "from dagster import DagsterInstance; print(len(DagsterInstance.get().get_run_records()))")
        runs = lambda: int(subprocess.run([sys.executable, "-c", count, str(root / "data" / "dagster_home")], capture_output=True, text=True).stdout)
        before = runs()
        t, out = _timed(lambda: subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True))
        started = runs() - before
    return {"seconds": round(t, 2), "runs_started": started, "output": out.stdout.strip().splitlines()[-1]}


def markdown(result: dict) -> str:
    t = result["throughput"]
    lines = [f"## Benchmarks {result['date']} ({result['machine']})", "",
             f"Throughput on {t['reports']} synthetic reports ({t['chars']:,} chars), chars/s:", "",
             "| decode | segment | extract | core (all three) | jieba alone | OpenCC tw2s alone | core ÷ jieba |", "|---:|---:|---:|---:|---:|---:|---:|",
             f"| {t['chars_per_s']['decode']:,} | {t['chars_per_s']['segment']:,} | {t['chars_per_s']['extract']:,} | {t['chars_per_s']['core']:,} | "
             f"{t['chars_per_s']['jieba_alone']:,} | {t['chars_per_s']['opencc_tw2s_alone']:,} | {t['core_vs_jieba']} |", "",
             "Incremental cost (add one report to N and publish):", "",
             "| N | full build s | add one s | ratio | per-report run s | release run s | partitions executed | release rows rewritten |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in result["incremental"]:
        if "error" in r:
            lines.append(f"| {r['n']} | {r['error']} |")
            continue
        lines.append(f"| {r['n']} | {r['full_build_s']} | {r['add_one_s']} | {r['ratio_to_full']} | {r['add_one_report_run_s']} | "
                     f"{r['add_one_release_s']} | {r['partitions_executed']} | {r['release_rows_rewritten']:,} |")
    for s in result["release_at_scale"]:
        lines += ["", f"Release step at {s['reports']:,} reports: " + (
            f"{s['release_build_s']} s (tables {s['combine_s']}, gates {s['gate_s']}, publish {s['publish_s']}), "
            f"peak RSS {s['peak_rss_mb']} MB; rows {s['rows']}" if "error" not in s else f"failed: {s['error']}")]
    o = result.get("dagster_overhead")
    if o:
        lines += ["", f"Adding {o['reports']} reports: report runs {o['report_runs_s']} s against {o['work_without_dagster_s']} s of the same work "
                  f"without Dagster (overhead ratio {o['dagster_overhead_ratio']}; {o['report_runs']} run(s), {o['report_run_events']} events)"]
    nb = result.get("noop_build")
    if nb:
        lines += [f"No-op `cgr build`: {nb['seconds']} s, {nb['runs_started']} run(s) started"]
    if result.get("drop_to_release"):
        lines.append(f"Drop-to-release with `dagster dev` running: {result['drop_to_release']['seconds']} s")
    return "\n".join(lines)


def headline(result: dict) -> dict:
    """The acceptance figures of issue 19, at the top level of the results file."""
    inc = {r["n"]: r for r in result.get("incremental", []) if "error" not in r}
    scale = {r["reports"]: r for r in result.get("release_at_scale", []) if "error" not in r}
    return {
        "core_vs_jieba": result["throughput"]["core_vs_jieba"],
        "dagster_overhead_ratio": result.get("dagster_overhead", {}).get("dagster_overhead_ratio"),
        "add_one_share_at_1000": inc[1000]["ratio_to_full"] if 1000 in inc else None,
        "noop_build_s": result.get("noop_build", {}).get("seconds"),
        "release_peak_rss_mb_1000": scale[1000]["peak_rss_mb"] if 1000 in scale else None,
        "release_peak_rss_mb_10000": scale[10_000]["peak_rss_mb"] if 10_000 in scale else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="cn-gov-reports benchmarks")
    ap.add_argument("--quick", action="store_true", help="small sizes for CI (under 2 minutes)")
    ap.add_argument("--incremental", type=int, nargs="+", metavar="N",
                    help="only the incremental runs at these sizes (N=1000: about 25 minutes, its full build alone ~20)")
    args = ap.parse_args()
    if args.incremental:
        result = {"date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                  "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                  "incremental": [incremental(n) for n in args.incremental]}
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = result["date"][:10] + "-incremental-" + "-".join(map(str, args.incremental)) + ".json"
        (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        print(json.dumps(result["incremental"], indent=2))
        return
    sizes = ({"throughput": 10, "overhead": 10, "incremental": [10], "scale": [200, 1000]} if args.quick else
             {"throughput": 60, "overhead": 100, "incremental": [10, 100, 1000], "scale": [1000, 10_000]})
    started = time.perf_counter()
    result = {"date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(), "quick": args.quick,
              "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    print("throughput...", file=sys.stderr)
    result["throughput"] = throughput(sizes["throughput"])
    print(f"dagster overhead adding {sizes['overhead']} reports...", file=sys.stderr)
    result["dagster_overhead"] = dagster_overhead(sizes["overhead"])
    print("no-op build...", file=sys.stderr)
    result["noop_build"] = noop_build()
    result["incremental"] = []
    for n in sizes["incremental"]:
        print(f"incremental at N={n}...", file=sys.stderr)
        result["incremental"].append(incremental(n))
    result["release_at_scale"] = []
    for n in sizes["scale"]:
        print(f"release at {n} reports...", file=sys.stderr)
        result["release_at_scale"].append(release_at_scale(n))
    print("pathological lines...", file=sys.stderr)
    from bench.pathological import measure as pathological

    result["pathological_lines"] = {"rows": pathological((2_000, 10_000) if args.quick else (10_000, 50_000, 200_000))}
    if not args.quick:
        print("drop to release...", file=sys.stderr)
        from bench.drop_to_release import measure

        result["drop_to_release"] = measure()
    result.update(headline(result))
    result["bench_seconds"] = round(time.perf_counter() - started, 1)
    result["peak_rss_mb_bench_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = result["date"][:10] + ("-quick" if args.quick else "") + ".json"
    (RESULTS / name).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(markdown(result))
    print(f"\n(written to bench/results/{name}; {result['bench_seconds']} s)")


if __name__ == "__main__":
    main()
