"""How this process's SQLite connections to the local Dagster instance write (runs, event log,
schedules under DAGSTER_HOME).

Dagster opens a new SQLite connection for nearly every event it records (one materialisation
per report and asset), and each commit waits for the disk (synchronous=FULL): on a shared disk
that wait was most of a build's bookkeeping (measured: bench/run.py, dagster_overhead). With
synchronous=OFF a commit hands its pages to the operating system without waiting: a crash of
the process loses nothing, an operating-system crash or power loss during a build may damage
the instance's files. The instance only records history; the reports' outputs (stage storage)
and the ledger are written separately and atomically, and removing CGR_DATA_DIR/dagster_home
makes the next `cgr build` start a fresh history and re-run every report (docs/decisions.md).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _on_connect(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def commit_without_waiting_for_disk() -> None:
    """Every SQLite connection SQLAlchemy opens in this process from now on (once per process;
    other databases are untouched)."""
    global _installed
    if not _installed:
        event.listen(Engine, "connect", _on_connect)
        _installed = True
