"""The local Dagster instance's SQLite connections commit without waiting for the disk
(assets/sqlite_pragmas.py); other settings of the file are left as SQLite makes them."""

from sqlalchemy import create_engine, text

from assets.sqlite_pragmas import commit_without_waiting_for_disk


def test_every_new_sqlite_connection_commits_without_waiting(tmp_path):
    commit_without_waiting_for_disk()
    commit_without_waiting_for_disk()  # once per process, however often it is asked
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 0  # OFF
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "delete"  # the file's own mode, unchanged
    engine.dispose()
