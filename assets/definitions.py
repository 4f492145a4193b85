"""The one Definitions object: assets, checks, jobs, sensors, resources and executor.

`dagster dev` in the repository root finds it through [tool.dagster] in pyproject.toml."""

from dagster import Definitions, in_process_executor

from .io import ParquetIOManager
from .jobs import COMBINED_ASSETS, PER_REPORT_ASSETS, release_job, report_job
from .sensors import release_automation, reports_folder_sensor

defs = Definitions(
    assets=[*PER_REPORT_ASSETS, *COMBINED_ASSETS],
    jobs=[report_job, release_job],
    sensors=[reports_folder_sensor, release_automation],
    resources={"io_manager": ParquetIOManager()},
    executor=in_process_executor,
)
