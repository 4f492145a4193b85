"""`cgr build`: materialise new or changed reports (only the layers whose inputs or code
changed), then the tables, gates and release, through the local Dagster instance in
CGR_DATA_DIR/dagster_home (runs show in the UI's history)."""

import hashlib
import json
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import Timeout

from pipelines.raw.ledger import LAYERS, Ledger, first_stale_layer, layer_digests
from pipelines.raw.stage import scan_reports
from pipelines.settings import Settings, location, set_dagster_home

from .batches import contiguous

#: Dagster's console log during `cgr build`: silent, because the build says every refusal and
#: failure itself in one line; the runs' full logs (stack traces too) are in the UI. `-v` shows it.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
VERBOSE = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}
REPO_ROOT = Path(__file__).resolve().parent.parent


#: the instance configuration of each profile (CGR_PROFILE)
PROFILE_YAML = {"local": REPO_ROOT / "dagster.yaml", "cluster": REPO_ROOT / "deploy" / "cluster" / "dagster.yaml"}


def dagster_home(settings: Settings) -> Path:
    """The Dagster instance folder. The project's own (under the data directory) gets the
    profile's dagster.yaml, refreshed when the repository's changes; a DAGSTER_HOME the user set
    keeps its own dagster.yaml untouched (the profile's is copied in only when it has none)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    src = PROFILE_YAML[settings.profile]
    dst = home / "dagster.yaml"
    if settings.custom_dagster_home is not None:
        if not dst.exists() and src.exists():
            shutil.copyfile(src, dst)
    elif src.exists() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
        shutil.copyfile(src, dst)
    set_dagster_home(home, own=settings.custom_dagster_home is None)
    return home


@dataclass
class BuildResult:
    processed: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    reran_from: dict[str, str] = field(default_factory=dict)  # report id -> first layer rerun
    published: bool = False
    version: str | None = None
    path: Path | None = None
    message: str = ""
    gate_failures: list[str] = field(default_factory=list)
    report_seconds: float = 0.0  # wall time of the per-report runs
    release_seconds: float = 0.0  # wall time of the tables, gates and release run

    @property
    def ok(self) -> bool:
        return not self.gate_failures


def release_state(settings: Settings, ledger: Ledger, manifest: dict, scan) -> dict:
    """Everything a release is made from: the digests every report's layers ran with, the
    refusals, the release code and the latest release. Equal to the state saved after the last
    release run means a build has nothing to do."""
    from pipelines.raw.ledger import release_code_fingerprint
    from pipelines.release.store import read_index

    index = read_index(settings.releases_dir)
    latest = index.get("latest")
    reports = {k: manifest.get(k) for k in sorted(scan.reports)}
    return {
        "reports": hashlib.sha256(json.dumps(reports, sort_keys=True).encode()).hexdigest(),
        "refused": sorted(json.dumps(r, sort_keys=True) for r in scan.refused + ledger.load_rejections(list(scan.reports))),
        "release_code": release_code_fingerprint(),
        "latest": latest if latest and (settings.releases_dir / latest).is_dir() else None,
    }


def verify_latest(settings: Settings, log=print) -> bool:
    """Check the latest release against its SHA256SUMS and say so. A release that does not
    verify is left as it is (releases are immutable; someone may be looking into it) and the
    build publishes a new version (docs/decisions.md)."""
    from pipelines.release.store import read_index, verify_release

    latest = read_index(settings.releases_dir).get("latest")
    if not latest or not (settings.releases_dir / latest).is_dir():
        return True
    problems = verify_release(settings.releases_dir / latest)
    if problems:
        log(f"warning: release {latest} does not verify against its SHA256SUMS ({'; '.join(problems[:3])}"
            f"{'; ...' if len(problems) > 3 else ''}); it is left as it is and a new version is published")
        return False
    log(f"release {latest} verifies against its SHA256SUMS")
    return True


def build(full: bool = False, log=print, settings: Settings | None = None, run_config: dict = QUIET) -> BuildResult:
    """Incremental build: only the layers of reports whose file, sidecar or layer code changed
    are re-run, in one run per group of neighbouring reports that rerun from the same layer;
    the tables, gates and release follow (publishing only on a change). With nothing changed
    since the last release run, it returns without starting a run."""
    settings = settings or Settings.from_env()
    ledger = Ledger(settings.data_dir)
    lock = ledger.build_lock()
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"another cgr build is running (lock {lock.lock_file}); waiting for it to finish...")
        lock.acquire(timeout=3600)
    try:
        result = BuildResult()
        scan = scan_reports(settings.reports_dir)
        manifest = {} if full else ledger.load_manifest()
        for key in ledger.to_reexamine(scan.reports):
            manifest.pop(key, None)  # a failed run, or a duplicate whose original changed or went: run again
        digests = {k: layer_digests(p) for k, p in scan.reports.items()}
        if not verify_latest(settings, log):
            ledger.save_release_state(None)  # a new version is published from the current inputs
        if not full and set(manifest) == set(scan.reports) and all(first_stale_layer(manifest[k], digests[k]) is None for k in scan.reports):
            state = ledger.load_release_state()
            if state is not None and state == release_state(settings, ledger, manifest, scan):
                result.version = state["latest"]
                result.path = settings.releases_dir / state["latest"] if state["latest"] else None
                result.message = "nothing changed since the last build"
                result.refused = {r["source_file"]: r["reason"] for r in scan.refused}
                result.refused.update({r["report_id"]: f"{r['source_file']}: {r['reason']}" for r in ledger.load_rejections(list(scan.reports))})
                return result
        return _build(full, settings, ledger, scan, manifest, digests, result, log, run_config)
    finally:
        lock.release()


class InstanceDamaged(RuntimeError):
    """The local Dagster instance's database cannot be read; the message names the file."""


def damaged_databases(home: Path) -> list[str]:
    """The instance's SQLite files that are not readable databases, each with the reason. The
    header and schema are read, not every page (PRAGMA quick_check would read the whole run
    history on every build); damage deeper in a file shows when Dagster reads it."""
    import sqlite3

    out = []
    for path in sorted(home.rglob("*.db")):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                db.close()
        except sqlite3.Error as exc:
            out.append(f"{path} ({exc})")
    return out


def open_instance(settings: Settings, manifest: dict, log=print):
    """The local Dagster instance, checked first: a damaged database stops the build with one
    line naming the file and what to do; an emptied one (run history gone while the manifest
    remembers built reports) is said, and the build goes on (reports it no longer knows rerun)."""
    from dagster import DagsterInstance

    from .instance_sqlite import tune_instance_sqlite

    home = dagster_home(settings)
    damaged = damaged_databases(home)
    if damaged:
        raise InstanceDamaged(f"the Dagster instance database {damaged[0]} is damaged; move the folder {home} aside "
                              "(the run history in it is lost; reports and releases are kept) and build again")
    tune_instance_sqlite()
    instance = DagsterInstance.get()
    try:
        runs = instance.get_runs_count()
    except Exception as exc:  # a database the check above passed but Dagster cannot use (an old schema)
        raise InstanceDamaged(f"the Dagster instance in {home} cannot be read ({type(exc).__name__}); move the folder aside "
                              "(the run history in it is lost; reports and releases are kept) and build again") from None
    if runs == 0 and manifest:
        log(f"warning: the Dagster instance in {home} has no run history although {len(manifest)} reports were built "
            "before (its database was emptied or replaced); the history starts again from this build")
    return instance


def _build(full: bool, settings: Settings, ledger: Ledger, scan, manifest: dict, digests: dict, result: BuildResult,
           log=print, run_config: dict = QUIET) -> BuildResult:
    instance = open_instance(settings, ledger.load_manifest(), log)

    from .cluster import run_slots, runner_for
    from .definitions import build_defs
    from .io import clear_all, drop_report_outputs
    from .jobs import keys_from
    from .partitions import reports_partitions

    defs = build_defs(settings)
    ledger.save_release_state(None)  # whatever happens below, the next build looks again
    if full:
        clear_all(settings.assets_dir)
    known = set(instance.get_dynamic_partitions(reports_partitions.name))
    current = set(scan.reports)
    for gone in sorted(known - current):
        instance.delete_dynamic_partition(reports_partitions.name, gone)
        drop_report_outputs(settings.assets_dir, gone)
        ledger.clear_rejection(gone)
        ledger.forget_source(gone)
        manifest.pop(gone, None)
        result.removed.append(gone)
    new_keys = sorted(current - known)
    if new_keys:
        instance.add_dynamic_partitions(reports_partitions.name, new_keys)
    for key in sorted(current):
        stale = "raw" if full or key in new_keys else first_stale_layer(manifest.get(key), digests[key])
        if stale is not None:
            result.reran_from[key] = stale
    for key in list(manifest):
        if key not in current:
            manifest.pop(key)
    order = instance.get_dynamic_partitions(reports_partitions.name)
    slots = run_slots(instance) if settings.profile == "cluster" else 1
    t0 = time.perf_counter()
    with runner_for(settings, defs, instance, run_config) as runner:
        for layer in LAYERS:
            group = [k for k, stale in result.reran_from.items() if stale == layer]
            batches = [part for keys in contiguous(group, order) for part in _split(keys, slots)]
            if layer == "raw":  # every layer reruns: the old refusal is decided again
                for key in group:
                    ledger.clear_rejection(key)
            runs = runner.run_many("report_job", [(keys, keys_from(layer)) for keys in batches])
            for keys, run in zip(batches, runs):
                _settle(run, keys, digests, manifest, ledger, settings, result, runner)
        for item in scan.refused:
            result.refused[item["source_file"]] = item["reason"]
        for record in ledger.load_rejections(list(scan.reports)):  # refusals of earlier builds still stand: said again
            result.refused.setdefault(record["report_id"], f"{record['source_file']}: {record['reason']}")
        ledger.save_manifest(manifest)
        result.report_seconds = time.perf_counter() - t0

        t0 = time.perf_counter()
        release_run = runner.run("release_job", None, None)
        result.release_seconds = time.perf_counter() - t0
    for evaluation in release_run.get_asset_check_evaluations():
        if not evaluation.passed:
            summary = evaluation.metadata.get("summary")
            result.gate_failures.append(f"{evaluation.asset_key.to_user_string()}: {summary.value if summary else 'failed'}")
    if not release_run.success and not result.gate_failures:
        raise RuntimeError(_failure_message(release_run) or "the release run failed")
    for mat in release_run.asset_materializations_for_node("release"):
        if mat.asset_key.to_user_string() == "release":
            md = {k: v.value for k, v in mat.metadata.items()}
            result.published = bool(md.get("published"))
            result.version = md.get("version") if md.get("version") != "none" else None
            result.path = location(md["path"]) if md.get("path") else None  # a store URL stays one
            result.message = md.get("reason", "")
    if release_run.success:
        ledger.save_release_state(release_state(settings, ledger, manifest, scan))
    return result


def _split(keys: list[str], parts: int) -> list[list[str]]:
    """Neighbouring keys cut into at most `parts` runs of near-equal size (each still a range),
    so a cluster with that many run slots runs them side by side; one run locally."""
    size = -(-len(keys) // max(1, parts))
    return [keys[i:i + size] for i in range(0, len(keys), size)] if keys else []


def _settle(run, keys: list[str], digests: dict, manifest: dict, ledger: Ledger, settings: Settings, result: BuildResult,
            runner) -> None:
    """After a report run: the manifest records what each report ran with, except a report
    whose run failed (a crash, a full disk): that one is refused for this release (its old
    outputs dropped, never published stale), listed with the reason and retried next build."""
    from .io import drop_report_outputs
    from .jobs import keys_from

    refused = {r["report_id"]: r for r in ledger.load_rejections(keys)}
    for key in keys:
        record = refused.get(key)
        if record is None and not run.success:
            # the run failed around the report's work (not a refusal of it): the same treatment
            message = _failure_message(run) or "the run failed"
            source = scan_reports(settings.reports_dir).reports.get(key)
            record = {"report_id": key, "source_file": source.name if source else key,
                      "reason": f"its run failed ({message}); retried on the next build", "retry": True}
            ledger.record_rejection(key, record["source_file"], record["reason"], retry=True)
            ledger.forget_source(key)
            drop_report_outputs(settings.assets_dir, key)
        if record is None:
            manifest[key] = digests[key]
            result.processed.append(key)
            continue
        if record.get("retry"):
            manifest.pop(key, None)  # not recorded: the next build runs it again
        else:
            manifest[key] = digests[key]
            if len(keys) > 1 and run.success:
                # the batch skipped it; alone, its partition fails with the reason (as the UI shows)
                runner.run("report_job", [key], keys_from("raw"))
                record = next(iter(ledger.load_rejections([key])), record)  # as that run worded it
        result.refused[key] = f"{record['source_file']}: {record['reason']}"


def _failure_message(run) -> str | None:
    """The first failed step's error in one line, without Dagster's exception class prefix."""
    for event in run.all_events:
        if event.event_type_value == "STEP_FAILURE":
            err = event.step_failure_data.error
            if err is None:
                return None
            line = ((err.message or "").strip().splitlines() or [""])[0]
            cls, sep, rest = line.partition(": ")
            return rest if sep and "." in cls and " " not in cls else line
    return None


def main_build(full: bool, settings: Settings | None = None, as_json: bool = False, verbosity: int = 0) -> int:
    """`cgr build`: 0 published or nothing new, 1 the gate blocked (EXIT_GATE in assets/cli.py)."""
    try:
        result = build(full=full, settings=settings, log=(lambda *a: None) if verbosity < 0 or as_json else print,
                       run_config=VERBOSE if verbosity > 0 else QUIET)
    except InstanceDamaged as exc:
        print(f"cgr build: {exc}", file=sys.stderr)
        return 2  # EXIT_INPUT
    if as_json:
        import json

        print(json.dumps({
            "ok": result.ok, "published": result.published, "version": result.version,
            "path": str(result.path) if result.path else None, "message": result.message,
            "processed": result.processed, "refused": result.refused, "removed": result.removed,
            "reran_from": result.reran_from, "gate_failures": result.gate_failures,
            "report_seconds": round(result.report_seconds, 3), "release_seconds": round(result.release_seconds, 3),
        }, ensure_ascii=False, indent=2))
        return 0 if result.ok else 1
    if verbosity >= 0:
        if result.removed:
            print(f"removed reports: {', '.join(result.removed)}")
        print(f"processed reports: {', '.join(result.processed) or 'none (nothing new or changed)'}")
        for key, reason in result.refused.items():
            print(f"refused: {reason if key in reason else key + ': ' + reason}")
    if result.gate_failures:
        print("the validation gate blocked publication:", file=sys.stderr)
        for line in result.gate_failures:
            print(f"  {line}", file=sys.stderr)
        return 1
    if result.published:
        print(f"published release {result.version} at {result.path}")
    else:
        print(f"no new release: {result.message}" + (f" (latest is {result.version})" if result.version else ""))
    return 0
