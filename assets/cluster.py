"""How `cgr build` starts its runs. The local profile executes each run in this process on the
embedded SQLite instance (as ever); the cluster profile (CGR_PROFILE=cluster) submits them
through the instance in deploy/cluster/dagster.yaml: the queued run coordinator holds them, the
daemon launches at most its concurrency limit at once, and the Celery executor sends every step
to the workers (`make cluster-up` starts PostgreSQL, Redis, the daemon and the workers)."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from pathlib import Path

import yaml
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus

from .batches import partitions_of_run

REPO_ROOT = Path(__file__).resolve().parent.parent
CLUSTER_DIR = REPO_ROOT / "deploy" / "cluster"
#: Dagster's console log of a run: silent, as `cgr build` says every refusal and failure itself (-v shows it)
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
LOCATION = "cn_gov_reports"
FINISHED = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}


def celery_config() -> dict:
    """Broker and result backend of the executor: the workers' own file, so both always agree."""
    return yaml.safe_load((CLUSTER_DIR / "celery.yaml").read_text(encoding="utf-8"))["execution"]["config"]


def executor_for(profile: str):
    from dagster import in_process_executor

    if profile != "cluster":
        return in_process_executor
    from dagster_celery import celery_executor

    return celery_executor.configured(celery_config(), name="celery_executor")


class LocalRunner(AbstractContextManager):
    """Every run in this process, one after another (the embedded default)."""

    def __init__(self, defs, instance: DagsterInstance, run_config: dict | None = None):
        self.defs, self.instance, self.run_config = defs, instance, run_config or QUIET

    def __exit__(self, *exc):
        return None

    def run_many(self, job_name: str, batches: list[tuple[list[str], list[AssetKey] | None]]) -> list:
        return [self.run(job_name, keys, selection) for keys, selection in batches]

    def run(self, job_name: str, keys: list[str] | None, selection: list[AssetKey] | None):
        from pipelines.settings import planned_events_per_run

        job = self.defs.resolve_job_def(job_name)
        where = partitions_of_run(keys) if keys else {}
        # one planned event per asset for a batch; per partition for a single report, so a refused
        # report's partition still shows as failed
        planned_events_per_run(bool(keys) and len(keys) > 1)
        try:
            return job.execute_in_process(instance=self.instance, **where, asset_selection=selection,
                                          raise_on_error=False, run_config=self.run_config)
        finally:
            planned_events_per_run(False)


class SubmittedRun:
    """A finished run read back from the instance, with what build() asks of an in-process result."""

    def __init__(self, instance: DagsterInstance, run_id: str):
        run = instance.get_run_by_id(run_id)
        self.run_id, self.success = run_id, run.status == DagsterRunStatus.SUCCESS
        self.all_events = [r.dagster_event for r in instance.all_logs(run_id) if r.dagster_event is not None]

    def get_asset_check_evaluations(self):
        return [e.event_specific_data for e in self.all_events if e.event_type_value == DagsterEventType.ASSET_CHECK_EVALUATION.value]

    def asset_materializations_for_node(self, node: str):
        return [e.event_specific_data.materialization for e in self.all_events
                if e.event_type_value == DagsterEventType.ASSET_MATERIALIZATION.value and e.node_name == node]


class InstanceRunner(AbstractContextManager):
    """Runs submitted through the instance (its run coordinator and launcher) and waited for."""

    def __init__(self, instance: DagsterInstance, settings, poll_seconds: float = 0.5, timeout_seconds: float = 6 * 3600):
        from dagster import __version__
        from dagster._core.workspace.context import WorkspaceProcessContext
        from dagster._core.workspace.load_target import WorkspaceFileTarget

        self.instance, self.poll, self.timeout = instance, poll_seconds, timeout_seconds
        self.run_config = {**QUIET, "resources": resources_config(settings)}
        self.process = WorkspaceProcessContext(instance, WorkspaceFileTarget([str(CLUSTER_DIR / "workspace.yaml")]),
                                               version=__version__, code_server_log_level="WARNING")
        self.workspace = self.process.create_request_context()
        self.location = self.workspace.get_code_location(LOCATION)
        self.repo = next(iter(self.location.get_repositories().values()))

    def __exit__(self, *exc):
        self.process.__exit__(*exc)
        return None

    def submit(self, job_name: str, keys: list[str] | None, selection: list[AssetKey] | None) -> str:
        from dagster._core.definitions.selector import JobSubsetSelector

        selector = JobSubsetSelector(location_name=self.location.name, repository_name=self.repo.name, job_name=job_name,
                                     op_selection=None, asset_selection=selection)
        remote_job = self.location.get_job(selector)
        tags = {**remote_job.tags, **(_partition_tags(keys) if keys else {})}
        plan = self.location.get_execution_plan(remote_job, self.run_config, step_keys_to_execute=None, known_state=None,
                                                instance=self.instance)
        run = self.instance.create_run(
            job_name=job_name, run_id=None, run_config=self.run_config, resolved_op_selection=None,
            step_keys_to_execute=plan.execution_plan_snapshot.step_keys_to_execute, op_selection=None, status=None,
            root_run_id=None, parent_run_id=None, tags=tags, job_snapshot=remote_job.job_snapshot,
            execution_plan_snapshot=plan.execution_plan_snapshot, parent_job_snapshot=remote_job.parent_job_snapshot,
            remote_job_origin=remote_job.get_remote_origin(), job_code_origin=remote_job.get_python_origin(),
            asset_selection=frozenset(selection) if selection else None, asset_check_selection=None,
            asset_graph=self.repo.asset_graph,
        )
        self.instance.submit_run(run.run_id, self.workspace)
        return run.run_id

    def wait(self, run_ids: list[str]) -> list[SubmittedRun]:
        deadline = time.monotonic() + self.timeout
        pending = set(run_ids)
        while pending:
            pending = {r for r in pending if self.instance.get_run_by_id(r).status not in FINISHED}
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"runs {', '.join(sorted(pending))} did not finish in {self.timeout:.0f} s "
                                   f"(is the cluster up? make cluster-up)")
            if pending:
                time.sleep(self.poll)
        return [SubmittedRun(self.instance, r) for r in run_ids]

    def run_many(self, job_name: str, batches: list[tuple[list[str], list[AssetKey] | None]]) -> list[SubmittedRun]:
        """Every batch queued at once (the coordinator's limit decides how many run together)."""
        return self.wait([self.submit(job_name, keys, selection) for keys, selection in batches])

    def run(self, job_name: str, keys: list[str] | None, selection: list[AssetKey] | None) -> SubmittedRun:
        return self.run_many(job_name, [(keys, selection)])[0]


def _partition_tags(keys: list[str]) -> dict:
    if len(keys) == 1:
        return {"dagster/partition": keys[0]}
    return partitions_of_run(keys)["tags"]


def resources_config(settings) -> dict:
    """This build's settings as run config: a run goes wherever the daemon launches it and each
    step to whichever worker takes it, and all of them use the folders and limits of the build
    that submitted it, not of the environment they were started in."""
    from .resources import CgrSettings

    return {"cgr": {"config": CgrSettings.of(settings).model_dump()},
            "io_manager": {"config": {"base_dir": str(settings.assets_dir)}}}


def runner_for(settings, defs, instance: DagsterInstance, run_config: dict | None = None):
    return InstanceRunner(instance, settings) if settings.profile == "cluster" else LocalRunner(defs, instance, run_config)


def run_slots(instance: DagsterInstance) -> int:
    """How many runs the instance starts at once (1 for the embedded one)."""
    queue = getattr(instance.run_coordinator, "get_run_queue_config", None)
    limit = queue().max_concurrent_runs if queue else 1
    return max(1, limit)  # -1 (no limit) counts as one run per neighbouring group
