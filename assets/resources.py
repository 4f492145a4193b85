"""The project's settings as a Dagster resource: read once from the environment by
build_defs() and handed to every asset and sensor that needs a folder or a limit."""

from pathlib import Path

from dagster import ConfigurableResource

from pipelines.raw.ledger import Ledger
from pipelines.settings import Settings


class CgrSettings(ConfigurableResource):
    reports_dir: str
    data_dir: str
    releases_dir: str
    max_report_bytes: int
    source_date_epoch: int | None = None

    @classmethod
    def of(cls, s: Settings) -> "CgrSettings":
        return cls(reports_dir=str(s.reports_dir), data_dir=str(s.data_dir), releases_dir=str(s.releases_dir),
                   max_report_bytes=s.max_report_bytes, source_date_epoch=s.source_date_epoch)

    @property
    def ledger(self) -> Ledger:
        return Ledger(Path(self.data_dir))
