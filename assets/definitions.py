"""The one Definitions object: assets, checks, jobs, resources and executor.

`dagster dev` in the repository root finds it through [tool.dagster] in pyproject.toml."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor

from .dataset import dataset_tables, release
from .io import ParquetIOManager
from .reports import decoded_report, extracted_report, raw_report, reports_partitions, segmented_report

PER_REPORT_ASSETS = [raw_report, decoded_report, segmented_report, extracted_report]
COMBINED_ASSETS = [dataset_tables, release]

report_job = define_asset_job(
    "report_job",
    selection=AssetSelection.assets(*PER_REPORT_ASSETS),
    description="Decode, segment and extract one report (one partition).",
)
release_job = define_asset_job(
    "release_job",
    selection=AssetSelection.assets(*COMBINED_ASSETS),
    description="Combine every accepted report into the dataset tables, run the gates and publish a release.",
)

defs = Definitions(
    assets=[*PER_REPORT_ASSETS, *COMBINED_ASSETS],
    jobs=[report_job, release_job],
    resources={"io_manager": ParquetIOManager()},
    executor=in_process_executor,
)
