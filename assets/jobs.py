"""The two jobs: the per-report layers of one partition, and the tables + gates + release."""

from dagster import AssetKey, AssetSelection, define_asset_job

from pipelines.raw.ledger import LAYERS

from .decoded import decoded_report
from .extracted import extracted_report
from .raw import raw_report
from .release import release
from .segmented import segmented_report
from .validated import dataset_tables

PER_REPORT_ASSETS = [raw_report, decoded_report, segmented_report, extracted_report]
COMBINED_ASSETS = [dataset_tables, release]
#: layer -> the asset keys that layer writes (a rerun from a layer runs it and the later ones)
LAYER_KEYS = {
    "raw": ["raw_report"],
    "decoded": ["decoded_report"],
    "segmented": ["segmented_report"],
    "extracted": ["extracted_report_row", "extracted_indicators", "extracted_mentions"],
}

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


def keys_from(layer: str) -> list[AssetKey]:
    """The per-report asset keys of `layer` and every layer after it."""
    return [AssetKey(k) for name in LAYERS[LAYERS.index(layer):] for k in LAYER_KEYS[name]]
