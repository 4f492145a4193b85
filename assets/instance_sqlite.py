"""How this process talks to the local Dagster instance's SQLite files (runs, event log,
schedules under DAGSTER_HOME) during a build.

Dagster records nearly every event through a new SQLAlchemy engine and connection, and each
commit waits for the disk (synchronous=FULL): with one materialisation per report and asset,
that was most of a build's bookkeeping (bench/run.py, dagster_overhead). Two changes:

- synchronous=OFF: a commit hands its pages to the operating system without waiting. A crash
  of the process loses nothing; an OS crash or power loss during a build may damage the
  instance's files. The instance only holds history: the reports' outputs (stage storage) and
  the ledger are written separately and atomically, and removing CGR_DATA_DIR/dagster_home
  makes the next `cgr build` start a fresh history and re-run every report (docs/decisions.md).
- The event log's engines are kept per database file (a bounded cache) instead of being built
  for every event: an engine carries its dialect set-up and compiled statements, which Dagster
  otherwise redoes per event. The engines use Dagster's NullPool, so no connection stays open.
  This replaces the `create_engine` name in Dagster's SQLite event-log module; Dagster is pinned
  in pyproject.toml and the integration tests build through it.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine

_installed = False


def _on_connect(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def _engine_per_file(create_engine):
    @lru_cache(maxsize=64)
    def cached(url: str, poolclass, connect_args: tuple):
        return create_engine(url, poolclass=poolclass, connect_args=dict(connect_args))

    def create(url, poolclass=None, connect_args=None, **other):
        if other:  # a call this cache was not written for: as Dagster asked
            return create_engine(url, poolclass=poolclass, connect_args=connect_args or {}, **other)
        return cached(str(url), poolclass, tuple(sorted((connect_args or {}).items())))

    create.uncached = create_engine
    return create


def tune_instance_sqlite() -> None:
    """From now on in this process (once per process; other databases are untouched)."""
    global _installed
    if _installed:
        return
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    event.listen(Engine, "connect", _on_connect)
    sqlite_event_log.create_engine = _engine_per_file(sqlite_event_log.create_engine)
    _installed = True
