"""The Definitions: assets, checks, jobs, sensors, resources and executor, built from one
Settings object (the executor follows CGR_PROFILE). `dagster dev` in the repository root finds `defs` through [tool.dagster]."""

from dagster import Definitions

from pipelines.settings import Settings

from .cluster import executor_for
from .io import StageIOManager
from .jobs import COMBINED_ASSETS, PER_REPORT_ASSETS, release_job, report_job
from .resources import CgrSettings
from .sensors import release_automation, reports_folder_sensor
from .instance_sqlite import tune_instance_sqlite


def build_defs(settings: Settings | None = None) -> Definitions:
    settings = settings or Settings.from_env()
    tune_instance_sqlite()  # the UI's and its runs' processes record events too
    return Definitions(
        assets=[*PER_REPORT_ASSETS, *COMBINED_ASSETS],
        jobs=[report_job, release_job],
        # the cluster is driven by `cgr build` (its daemon only dequeues runs): no folder sensor or
        # automation there to start the same runs a second time
        sensors=[reports_folder_sensor, release_automation] if settings.profile == "local" else [],
        resources={"io_manager": StageIOManager(base_dir=str(settings.assets_dir)), "cgr": CgrSettings.of(settings)},
        # in-process locally; the Celery executor in the cluster profile (assets/cluster.py)
        executor=executor_for(settings.profile),
    )


defs = build_defs()
