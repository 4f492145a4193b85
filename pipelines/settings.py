"""The project's settings: read once from the environment (`CGR_*`, names are part of the public
interface) into one object that is passed to the stages. Nothing else reads `os.environ`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Reports larger than this are refused before being read (a report is a few hundred KB at most).
DEFAULT_MAX_REPORT_BYTES = 20 * 1024 * 1024


def is_remote(place) -> bool:
    """An fsspec URL of a remote store (s3://, gs://, ...), not a local folder or file://."""
    text = str(place)
    return "://" in text and not text.startswith("file://")


def location(raw: str):
    """A folder setting: a local folder as an absolute Path, a store URL as a UPath (fsspec)."""
    if is_remote(raw):
        from upath import UPath

        return UPath(raw)
    return Path(raw.removeprefix("file://")).resolve()


class SettingsError(ValueError):
    """A setting with a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    reports_dir: Path
    data_dir: Path
    releases_dir: Path  # or a UPath when CGR_RELEASES_DIR is a store URL (s3://bucket/releases)
    max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES
    ui_port: int = 3000
    #: SOURCE_DATE_EPOCH (reproducible-builds.org): the time written into a release; None means
    #: the newest input file's mtime (pipelines/release/clock.py)
    source_date_epoch: int | None = None
    #: DAGSTER_HOME as the user set it (None: the project's own instance under data_dir)
    custom_dagster_home: Path | None = None
    #: CGR_PROFILE: "local" (embedded, in-process, SQLite) or "cluster" (deploy/cluster/dagster.yaml)
    profile: str = "local"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            reports_dir=Path(env.get("CGR_REPORTS_DIR", "seeds")).resolve(),
            data_dir=Path(env.get("CGR_DATA_DIR", "data")).resolve(),
            releases_dir=location(env.get("CGR_RELEASES_DIR", "releases")),
            max_report_bytes=_positive_int(env, "CGR_MAX_REPORT_BYTES", DEFAULT_MAX_REPORT_BYTES),
            ui_port=_positive_int(env, "CGR_UI_PORT", 3000, maximum=65535),
            source_date_epoch=_epoch(env),
            custom_dagster_home=_custom_dagster_home(env),
            profile=_profile(env),
        )

    def check_folders(self) -> None:
        """The folders a build writes: each one a folder or not yet there (checked once at
        start, so a wrong setting is one line naming the variable, not a failure per report)."""
        for name, path in (("CGR_DATA_DIR", self.data_dir), ("CGR_RELEASES_DIR", self.releases_dir)):
            if "://" in str(path):
                continue  # a store URL: checked when it is first read
            path = Path(path)
            if path.exists() and not path.is_dir():
                raise SettingsError(f"{name}={str(path)!r} is a file, not a folder")
            parent = next((p for p in path.parents if p.exists()), None)
            if parent is not None and not parent.is_dir():
                raise SettingsError(f"{name}={str(path)!r} is inside {parent}, which is a file")

    @property
    def assets_dir(self) -> Path:
        """Where each stage's per-report output is kept between runs."""
        return self.data_dir / "assets"

    @property
    def dagster_home(self) -> Path:
        """The Dagster instance folder: the user's DAGSTER_HOME when set (its dagster.yaml is used
        as it is), else data_dir/dagster_home (local) or data_dir/cluster/dagster_home (cluster)."""
        if self.custom_dagster_home is not None:
            return self.custom_dagster_home
        return self.data_dir / ("cluster" if self.profile == "cluster" else "") / "dagster_home"


def _positive_int(env: Mapping[str, str], name: str, default: int, maximum: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r} must be greater than 0")
    if maximum is not None and value > maximum:
        raise SettingsError(f"{name}={raw!r} must be at most {maximum}")
    return value


PROFILES = ("local", "cluster")
#: DAGSTER_HOME values this process set itself: not the user's choice, so a later Settings
#: (another data directory in the same process) does not take them for a custom home; children
#: inherit the mark in OWN_HOME_MARK with the variable
_SET_HERE: set[str] = set()
OWN_HOME_MARK = "CGR_OWN_DAGSTER_HOME"


def _epoch(env: Mapping[str, str]) -> int | None:
    raw = env.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970-01-01 UTC") from None
    if value < 0:
        raise SettingsError(f"SOURCE_DATE_EPOCH={raw!r} must not be negative")
    return value


def _custom_dagster_home(env: Mapping[str, str]) -> Path | None:
    raw = env.get("DAGSTER_HOME")
    if not raw or raw in _SET_HERE or raw == env.get(OWN_HOME_MARK):
        return None
    return Path(raw).resolve()


def _profile(env: Mapping[str, str]) -> str:
    raw = env.get("CGR_PROFILE", "local") or "local"
    if raw not in PROFILES:
        raise SettingsError(f"CGR_PROFILE={raw!r} is not a profile; use {' or '.join(PROFILES)}")
    return raw


def set_dagster_home(path: Path, own: bool = True) -> None:
    """Point Dagster at the instance folder (Dagster reads DAGSTER_HOME itself); `own`: the
    project's folder under the data directory, not one the user chose."""
    os.environ["DAGSTER_HOME"] = str(path)
    if own:
        _SET_HERE.add(str(path))
        os.environ[OWN_HOME_MARK] = str(path)


def child_environment(python_path: str) -> dict[str, str]:
    """The environment of a helper process (the PDF reader runs in one): this process's, with
    `python_path` first on PYTHONPATH so the child imports this code."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (python_path, os.environ.get("PYTHONPATH", "")) if p)}


def planned_events_per_run(enabled: bool) -> None:
    """With `enabled`, Dagster records one "materialisation planned" event per asset for a run
    over several partitions (the run's partition subset in it) instead of one per partition and
    asset; Dagster reads this switch when it creates a run. Off for a single-partition run, so a
    refused report's partition still shows as failed in the UI."""
    if enabled:
        os.environ["DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"] = "true"
    else:
        os.environ.pop("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", None)
