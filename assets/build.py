"""`cgr build`: materialise new or changed reports (only the layers whose inputs or code
changed), then the tables, gates and release, through the local Dagster instance in
CGR_DATA_DIR/dagster_home (runs show in the UI's history)."""

import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from filelock import Timeout

from pipelines.raw.ledger import Ledger, first_stale_layer, layer_digests
from pipelines.raw.stage import scan_reports
from pipelines.settings import Settings, set_dagster_home

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
REPO_ROOT = Path(__file__).resolve().parent.parent


def dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME under the data directory, with the repository's dagster.yaml in it."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    src = REPO_ROOT / "dagster.yaml"
    dst = home / "dagster.yaml"
    if src.exists() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
        shutil.copyfile(src, dst)
    set_dagster_home(home)
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


def build(full: bool = False, log=print, settings: Settings | None = None) -> BuildResult:
    """Incremental build: only the layers of reports whose file, sidecar or layer code changed
    are re-run; the tables, gates and release always follow (publishing only on a change)."""
    settings = settings or Settings.from_env()
    dagster_home(settings)
    from dagster import DagsterInstance

    from .definitions import build_defs
    from .io import clear_all, drop_report_outputs
    from .jobs import keys_from
    from .partitions import reports_partitions

    defs = build_defs(settings)
    ledger = Ledger(settings.data_dir)
    lock = ledger.build_lock()
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"another cgr build is running (lock {lock.lock_file}); waiting for it to finish...")
        lock.acquire(timeout=3600)
    try:
        result = BuildResult()
        instance = DagsterInstance.get()
        scan = scan_reports(settings.reports_dir)
        manifest = {} if full else ledger.load_manifest()
        if full:
            clear_all(settings.assets_dir)
        known = set(instance.get_dynamic_partitions(reports_partitions.name))
        current = set(scan.reports)
        for gone in sorted(known - current):
            instance.delete_dynamic_partition(reports_partitions.name, gone)
            drop_report_outputs(settings.assets_dir, gone)
            ledger.clear_rejection(gone)
            manifest.pop(gone, None)
            result.removed.append(gone)
        new_keys = sorted(current - known)
        if new_keys:
            instance.add_dynamic_partitions(reports_partitions.name, new_keys)
        digests = {k: layer_digests(p) for k, p in scan.reports.items()}
        for key in sorted(current):
            stale = "raw" if full or key in new_keys else first_stale_layer(manifest.get(key), digests[key])
            if stale is not None:
                result.reran_from[key] = stale
        job = defs.resolve_job_def("report_job")
        t0 = time.perf_counter()
        for key, stale in result.reran_from.items():
            run = job.execute_in_process(instance=instance, partition_key=key, asset_selection=keys_from(stale),
                                         raise_on_error=False, run_config=QUIET)
            manifest[key] = digests[key]
            if run.success:
                result.processed.append(key)
            else:
                result.refused[key] = _failure_message(run) or "the report's run failed"
        for item in scan.refused:
            result.refused[item["source_file"]] = item["reason"]
        ledger.save_manifest(manifest)
        result.report_seconds = time.perf_counter() - t0

        t0 = time.perf_counter()
        release_run = defs.resolve_job_def("release_job").execute_in_process(instance=instance, raise_on_error=False, run_config=QUIET)
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
                result.path = Path(md["path"]) if md.get("path") else None
                result.message = md.get("reason", "")
        return result
    finally:
        lock.release()


def _failure_message(run) -> str | None:
    for event in run.all_events:
        if event.event_type_value == "STEP_FAILURE":
            err = event.step_failure_data.error
            return (err.message or "").strip().splitlines()[0] if err else None
    return None


def main_build(full: bool, settings: Settings | None = None, as_json: bool = False, verbosity: int = 0) -> int:
    """`cgr build`: 0 published or nothing new, 1 the gate blocked (EXIT_GATE in assets/cli.py)."""
    result = build(full=full, settings=settings, log=(lambda *a: None) if verbosity < 0 or as_json else print)
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
