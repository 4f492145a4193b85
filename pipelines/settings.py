"""The project's settings: read once from the environment (`CGR_*`, names are part of the public
interface) into one object that is passed to the stages. Nothing else reads `os.environ`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Reports larger than this are refused before being read (a report is a few hundred KB at most).
DEFAULT_MAX_REPORT_BYTES = 20 * 1024 * 1024


class SettingsError(ValueError):
    """A setting with a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    reports_dir: Path
    data_dir: Path
    releases_dir: Path
    max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES
    ui_port: int = 3000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            reports_dir=Path(env.get("CGR_REPORTS_DIR", "seeds")).resolve(),
            data_dir=Path(env.get("CGR_DATA_DIR", "data")).resolve(),
            releases_dir=Path(env.get("CGR_RELEASES_DIR", "releases")).resolve(),
            max_report_bytes=_positive_int(env, "CGR_MAX_REPORT_BYTES", DEFAULT_MAX_REPORT_BYTES),
            ui_port=_positive_int(env, "CGR_UI_PORT", 3000, maximum=65535),
        )

    def check_folders(self) -> None:
        """The folders a build writes: each one a folder or not yet there (checked once at
        start, so a wrong setting is one line naming the variable, not a failure per report)."""
        for name, path in (("CGR_DATA_DIR", self.data_dir), ("CGR_RELEASES_DIR", self.releases_dir)):
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
        return self.data_dir / "dagster_home"


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


def set_dagster_home(path: Path) -> None:
    """Point Dagster at the project's instance folder (Dagster reads DAGSTER_HOME itself)."""
    os.environ["DAGSTER_HOME"] = str(path)


def child_environment(python_path: str) -> dict[str, str]:
    """The environment of a helper process (the PDF reader runs in one): this process's, with
    `python_path` first on PYTHONPATH so the child imports this code."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (python_path, os.environ.get("PYTHONPATH", "")) if p)}
