"""The two jobs: one report partition, and the tables + gates + release."""

from dagster import AssetSelection, define_asset_job

from .dataset import dataset_tables, release
from .reports import decoded_report, extracted_report, raw_report, segmented_report

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
