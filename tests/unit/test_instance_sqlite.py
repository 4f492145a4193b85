"""How the local Dagster instance's SQLite files are written (assets/instance_sqlite.py)."""

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from assets.instance_sqlite import _engine_per_file, tune_instance_sqlite


def test_every_new_sqlite_connection_commits_without_waiting(tmp_path):
    tune_instance_sqlite()
    tune_instance_sqlite()  # once per process, however often it is asked
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 0  # OFF
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"  # the file's own mode, unchanged
    engine.dispose()


def test_the_event_log_builds_one_engine_per_file(tmp_path):
    create = _engine_per_file(create_engine)
    a = create(f"sqlite:///{tmp_path / 'a.db'}", poolclass=NullPool, connect_args={"timeout": 15})
    assert create(f"sqlite:///{tmp_path / 'a.db'}", poolclass=NullPool, connect_args={"timeout": 15}) is a
    assert create(f"sqlite:///{tmp_path / 'b.db'}", poolclass=NullPool, connect_args={"timeout": 15}) is not a
    with a.connect() as conn:  # still usable after Dagster's dispose() of each use
        conn.execute(text("create table t (x int)"))
        conn.commit()
    a.dispose()
    with a.connect() as conn:
        assert conn.execute(text("select count(*) from t")).scalar() == 0
