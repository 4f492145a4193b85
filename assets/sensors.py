"""Incremental runs without a command: the reports-folder sensor and the automation that carries
per-report results through the tables, gates and release.

Contract for curators (docs/decisions.md): a report is picked up once its size and mtime (and
its sidecar's) are unchanged across two sensor ticks, or at once on the tick after an atomic
rename into the folder; hidden and temporary names (`.x`, `~x`, `.part`, `.tmp`, ...) are
never read. The sensor and `cgr build` share one ledger (report id -> the digests each layer
ran with), so neither redoes the other's work, and each reruns only the layers that changed."""

import json
from pathlib import Path

from dagster import (
    AddDynamicPartitionsRequest,
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    DeleteDynamicPartitionsRequest,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)
from filelock import Timeout

from pipelines.raw.ledger import LAYERS, first_stale_layer, input_digest, layer_digests
from pipelines.raw.stage import scan_reports

from .batches import contiguous, partition_tags
from .io import drop_report_outputs
from .jobs import keys_from, release_job, report_job
from .partitions import reports_partitions
from .resources import CgrSettings


def _observe(path: Path) -> list:
    """Size and mtime of a report and its sidecar: equal on two ticks means the copy is done."""
    out = []
    for p in (path, path.with_suffix(".yaml")):
        try:
            st = p.lstat()  # a link is never followed
            out += [st.st_size, st.st_mtime_ns]
        except OSError:
            out += [None, None]
    return out


def _cursor(text: str | None) -> dict:
    """report id -> {"seen": size and mtime, "sha": input digest at that size and mtime}."""
    data = json.loads(text) if text else {}
    return {k: v if isinstance(v, dict) else {"seen": v, "sha": None} for k, v in data.items()}  # older cursors: sizes only


@sensor(
    name="reports_folder",
    jobs=[report_job, release_job],
    minimum_interval_seconds=5,
    default_status=DefaultSensorStatus.RUNNING,
    description="Watches CGR_REPORTS_DIR: a new or changed report (or sidecar) runs its partition; a removed one is dropped and a release follows.",
)
def reports_folder_sensor(context: SensorEvaluationContext, cgr: CgrSettings):
    lock = cgr.ledger.build_lock()
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return SkipReason(f"a cgr build holds {lock.lock_file}; looking again on the next tick")
    try:
        return _tick(context, cgr)
    finally:
        lock.release()


def _tick(context: SensorEvaluationContext, cgr: CgrSettings):
    ledger = cgr.ledger
    scan = scan_reports(Path(cgr.reports_dir))
    previous = _cursor(context.cursor)
    cursor = {}
    known = context.instance.get_dynamic_partitions(reports_partitions.name)
    manifest = ledger.load_manifest()
    for key in ledger.to_reexamine(scan.reports, retry=False):
        manifest.pop(key, None)  # a duplicate whose original changed or went (`cgr build` also retries failed runs)
    new_keys, stale_from, waiting = [], {}, []
    for key, path in sorted(scan.reports.items()):
        seen = _observe(path)
        before = previous.get(key, {})
        # a file is hashed only when its size or mtime moved since the digest was taken
        sha = before.get("sha") if before.get("seen") == seen and before.get("sha") else input_digest(path)
        cursor[key] = {"seen": seen, "sha": sha}
        digests = layer_digests(path, sha)
        stale = first_stale_layer(manifest.get(key), digests) if key in known else "raw"
        if stale is None:
            continue
        if seen != before.get("seen"):
            waiting.append(key)  # still being written, or first seen: look again next tick
            continue
        if key not in known:
            new_keys.append(key)
        stale_from[key] = stale
        manifest[key] = digests
    # one run per layer to rerun from and per run of neighbouring partitions (new ones are
    # added after the known ones, in this order), not one run per report
    order = list(known) + new_keys
    runs = [RunRequest(job_name="report_job", asset_selection=keys_from(layer), tags={"cgr/trigger": "reports_folder", **partition_tags(keys)},
                       partition_key=keys[0] if len(keys) == 1 else None)
            for layer in LAYERS for keys in contiguous([k for k, s in stale_from.items() if s == layer], order)]
    gone = sorted(set(known) - set(scan.reports))
    for key in gone:
        drop_report_outputs(Path(cgr.data_dir) / "assets", key)
        ledger.clear_rejection(key)
        ledger.forget_source(key)
        manifest.pop(key, None)
    if gone and not runs:
        # nothing upstream will update, so the automation would not follow: ask for the release
        runs.append(RunRequest(job_name="release_job", tags={"cgr/trigger": "reports_folder", "cgr/removed": ",".join(gone)[:200]}))
    if runs or gone:
        ledger.save_manifest(manifest)
        ledger.save_release_state(None)
    requests = []
    if new_keys:
        requests.append(AddDynamicPartitionsRequest(reports_partitions.name, new_keys))
    if gone:
        requests.append(DeleteDynamicPartitionsRequest(reports_partitions.name, gone))
    if waiting:
        context.log.info(f"waiting for these files to stay unchanged for one more tick: {', '.join(waiting)}")
    return SensorResult(run_requests=runs, dynamic_partitions_requests=requests, cursor=json.dumps(cursor))


release_automation = AutomationConditionSensorDefinition(
    "release_automation",
    target=AssetSelection.groups("validated", "release"),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="Materialises the tables, gates and release after per-report runs (see assets/automation.py).",
)
