"""SQLite files shared by the code under test and the tests.

The code under test runs as the user `app`: its database file must live in a directory that
user owns (SQLite creates a journal next to the file; a folder of the test process's is closed
to the app, and in a sticky world-writable one such as /tmp the kernel may refuse root opening
a file the app owns). The tests, as root, read and seed the same file with the `sqlite3`
module; `connect` gives the app user back whatever file such a connection left behind (the
database it created, a journal, WAL files), so the app can keep writing.

    from gradekit import sqlite

    db = sqlite.database()
    with gradekit.serve(gradekit.flask("crm.app:create_app()"), health="/health",
                        env=gradekit.app_env(DATABASE_URL=sqlite.url(db))) as server:
        ...
        with sqlite.connect(db) as con:
            rows = con.execute("SELECT * FROM contacts").fetchall()
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .process import APP_USER, _as_app


def _app_ids() -> tuple[int, int] | None:
    if not _as_app():
        return None
    import pwd

    entry = pwd.getpwnam(APP_USER)
    return entry.pw_uid, entry.pw_gid


def give_to_app(path: Path | str) -> Path:
    """`path` (a file, or a directory and everything in it) owned by the app user (when the
    tests run as root; elsewhere nothing changes)."""
    path = Path(path)
    ids = _app_ids()
    if ids is not None and path.exists():
        os.chown(path, *ids)
        if path.is_dir():
            for child in path.rglob("*"):
                os.chown(child, *ids, follow_symlinks=False)
    return path


def app_dir(prefix: str = "gradekit-") -> Path:
    """A fresh, empty directory owned by the app user (readable by no one else)."""
    return give_to_app(tempfile.mkdtemp(prefix=prefix))


def database(name: str = "app.db", prefix: str = "gradekit-sqlite-") -> Path:
    """The path of a database file (not created) in a fresh directory the app user owns."""
    return app_dir(prefix) / name


def url(path: Path | str) -> str:
    """The `sqlite:///` URL of `path` (an absolute path: four slashes)."""
    return f"sqlite:///{Path(path).resolve()}"


@contextmanager
def connect(path: Path | str, *, row_factory=None, **kwargs) -> Iterator[sqlite3.Connection]:
    """The tests' own connection to the database file at `path`: committed when the block
    ends without an error (rolled back otherwise), closed, and the file and its companions
    (`-journal`, `-wal`, `-shm`) given to the app user."""
    path = Path(path)
    con = sqlite3.connect(path, **kwargs)
    if row_factory is not None:
        con.row_factory = row_factory
    try:
        yield con
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
        for companion in ("", "-journal", "-wal", "-shm"):
            if not path.with_name(path.name + companion).is_dir():
                give_to_app(path.with_name(path.name + companion))


def empty_tables(path: Path | str, keep: tuple[str, ...] = ()) -> list[str]:
    """Delete every row of every table in the database at `path` but those in `keep` (the
    schema stays; AUTOINCREMENT counters start again): a fresh data set for the next test
    while the code under test keeps running. The tables emptied."""
    with connect(path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        emptied = [t for t in tables if t not in keep and not t.startswith("sqlite_")]
        con.execute("PRAGMA foreign_keys = OFF")  # takes effect outside a transaction only
        for table in emptied:
            con.execute(f'DELETE FROM "{table}"')
        if "sqlite_sequence" in tables:
            con.executemany("DELETE FROM sqlite_sequence WHERE name = ?", [(t,) for t in emptied])
    return emptied
