"""Schema migrations of the code under test, run as its own commands (Alembic's CLI, Django's
`manage.py migrate`) as user `app` on the app's database, and what they left there, read as the
database's superuser.

    from gradekit import migrate, pg

    pg.reset_schema()
    migrate.alembic_upgrade("0002")
    ...seed with pg.connect()...
    migrate.alembic_upgrade("head")
    assert migrate.alembic_current() != "0002"
    with pg.connect() as con:
        assert migrate.column(con, "products", "price")["data_type"] == "numeric"

A command that fails raises `CommandFailed` (an AssertionError) with its output.

Each command is a new process that imports Alembic or Django, SQLAlchemy and the app again
(about a second of CPU). Inside `with migrate.warm(PRELOAD):` (a session fixture) every command
is a fresh fork of one interpreter of the code under test that has those third-party libraries
imported (`gradekit.forkserver`): still a process of its own, as user `app`, that imports the
repository itself, with the command line's `sys.argv` (`alembic`'s console script is run as
`python <script>`), but without paying for the libraries' import each time.

Tests that only read a migrated database can share one: `Journey` runs the steps of a scenario
(migrate, seed, upgrade, downgrade...) once, in order, as tests ask for them; `pg.DataSnapshot`
puts a migrated database's rows back between tests while a server keeps running on it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import forkserver, pg
from .process import app_env, run

TIMEOUT = 300.0
"""seconds a migration command may take (the grading machine may be busy)"""


class CommandFailed(AssertionError):
    """A migration command of the code under test exited with an error."""


def execute(argv: Sequence[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run a command of the code under test from the repository's root (forked from the warm
    interpreter inside `warm()`, when it is a Python program): its exit code, stdout and stderr,
    whatever they are. TimeoutError past `timeout`."""
    forkable = _as_python(argv) if _WARM else None
    if forkable is not None:
        return _WARM[-1].run(forkable, timeout=timeout)
    return run(argv, timeout=timeout)


def command(argv: Sequence[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """`execute` a command; CommandFailed when it exits with an error."""
    done = execute(argv, timeout)
    if done.returncode != 0:
        raise CommandFailed(f"`{shlex.join(map(str, argv))}` exited with {done.returncode}:\n"
                            f"{(done.stdout + done.stderr)[-4000:]}")  # fmt: skip
    return done


# --- commands forked from a warm interpreter ------------------------------------------------------

ALEMBIC_PRELOAD = ("sqlalchemy", "sqlalchemy.dialects.postgresql.psycopg", "psycopg", "logging.config",
                   "alembic.config", "alembic.command", "alembic.runtime.migration", "alembic.op")
"""what an Alembic command of a SQLAlchemy + psycopg project imports before the project's code"""
DJANGO_PRELOAD = ("django.core.management", "django.core.management.commands.migrate",
                  "django.core.management.commands.makemigrations", "django.db.backends.postgresql.base",
                  "django.db.migrations.executor", "django.db.migrations.autodetector", "django.db.models",
                  "django.http", "django.urls")
"""what `manage.py` of a Django + psycopg project imports that needs no settings"""

_WARM: list[forkserver.ForkServer] = []


@contextmanager
def warm(preload: Sequence[str] = ALEMBIC_PRELOAD, *, env: dict[str, str] | None = None) -> Iterator[forkserver.ForkServer]:
    """Inside this block, `command` (and so `alembic_upgrade`, `django_migrate`...) forks its
    Python commands from one interpreter of the code under test with `preload` (third-party
    modules only) imported, in `env` (default `gradekit.app_env()`); the fork server is yielded
    for the test's own commands."""
    with forkserver.start(preload, env=env) as server:
        _WARM.append(server)
        try:
            yield server
        finally:
            _WARM.remove(server)


def _as_python(argv: Sequence[str]) -> list[str] | None:
    """`argv` as `python ...` arguments the fork server runs (its interpreter is the `python` on
    the app's PATH): a command of that interpreter as it is, a console script of it (`alembic`)
    as `python <its path>`; None for anything else (run as a process of its own)."""
    argv = [str(a) for a in argv]
    if "/" in argv[0] and not os.path.isabs(argv[0]):
        return None  # relative to the repository, not to the test's folder: not worth resolving
    path = app_env()["PATH"]
    python = shutil.which("python", path=path)
    program = shutil.which(argv[0], path=path)
    if not python or not program:
        return None
    if _same_python(program, python):
        return ["python", *argv[1:]]
    try:
        with open(program, "rb") as f:
            first = f.readline(512).decode("utf-8", "replace")
    except OSError:
        return None
    words = first[2:].split() if first.startswith("#!") else []
    if words and Path(words[0]).name == "env" and len(words) > 1:
        words = [shutil.which(words[1], path=path) or words[1]]
    return ["python", program, *argv[1:]] if words and _same_python(words[0], python) else None


def _same_python(program: str, python: str) -> bool:
    """`program` is the interpreter `python` names: `python`, `python3` or `python3.X` in the
    same folder (a virtual environment is known by its folder, so no symlink is followed)."""
    program, python = os.path.abspath(program), os.path.abspath(python)
    return (os.path.dirname(program) == os.path.dirname(python)
            and re.fullmatch(r"python(3(\.\d+)?)?", os.path.basename(program)) is not None)


# --- Alembic ------------------------------------------------------------------------------------


def alembic(*args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """`alembic <args>` in the repository (its alembic.ini, its env.py, its DATABASE_URL)."""
    return command(["alembic", *args], timeout=timeout)


def alembic_upgrade(revision: str = "head") -> None:
    alembic("upgrade", revision)


def alembic_downgrade(revision: str) -> None:
    alembic("downgrade", revision)


def alembic_heads() -> list[str]:
    """The revision ids `alembic heads` lists (more than one: the history has branched)."""
    out = alembic("heads").stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def alembic_current() -> str | None:
    """The revision recorded in the database's `alembic_version` (None: none, or no table)."""
    with pg.connect() as con:
        exists = con.execute("SELECT to_regclass('public.alembic_version')").fetchone()[0]
        if exists is None:
            return None
        rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) > 1:
        raise AssertionError(f"alembic_version holds {len(rows)} revisions: {[r[0] for r in rows]}")
    return rows[0][0] if rows else None


# --- Django -------------------------------------------------------------------------------------


def django_migrate(app: str | None = None, target: str | None = None, *, manage: str = "manage.py",
                   timeout: float = TIMEOUT) -> None:
    """`python manage.py migrate [app [target]]` (non-interactive, quiet)."""
    args = [a for a in (app, target) if a]
    command(["python", manage, "migrate", *args, "--no-input", "--verbosity", "0"], timeout=timeout)


def django_applied(app: str) -> list[str]:
    """The names of `app`'s migrations recorded as applied, in the order they were applied."""
    with pg.connect() as con:
        rows = con.execute("SELECT name FROM django_migrations WHERE app = %s ORDER BY id", (app,)).fetchall()
    return [r[0] for r in rows]


# --- the schema ---------------------------------------------------------------------------------


def column(con, table: str, name: str, schema: str = "public") -> dict | None:
    """A column's type, precision, scale, nullability and default from information_schema (None:
    no such column). `con` is any psycopg connection to the app's database."""
    row = con.execute(
        """
        SELECT data_type, numeric_precision, numeric_scale, is_nullable, column_default
        FROM information_schema.columns
        WHERE table_schema = %s AND table_name = %s AND column_name = %s
        """,
        (schema, table, name),
    ).fetchone()
    if row is None:
        return None
    keys = ("data_type", "numeric_precision", "numeric_scale", "is_nullable", "column_default")
    values = row.values() if isinstance(row, dict) else row
    return dict(zip(keys, values))


def tables(con, schema: str = "public") -> set[str]:
    """The names of the tables in `schema`."""
    rows = con.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()
    return {r["tablename"] if isinstance(r, dict) else r[0] for r in rows}


# --- sharing one migrated database between tests ------------------------------------------------


class Journey:
    """The steps of one scenario (reset the schema and migrate, seed, upgrade, downgrade...), run
    once and in order as the tests ask for them, so that tests checking the same state share one
    run of the commands that lead there.

        journey = Journey([("legacy", legacy), ("upgrade", upgrade), ("downgrade", downgrade)])
        journey.reach("downgrade")   # runs legacy, upgrade, downgrade (those not run yet)

    `reach(name)` runs every step up to `name` that has not run yet and returns that step's
    value. A step that failed fails every later `reach` of it or of a step after it with the same
    error, as if each test had run the steps itself; asking for a step before the last one run
    (or before a failed one) starts over from the first step (which must start from scratch:
    `pg.reset_schema()`).

    The database is shared: a test that writes to it must undo its writes (`pg.rolled_back(con)`),
    or the tests after it see them."""

    def __init__(self, steps: Sequence[tuple[str, Callable[[], object]]]) -> None:
        self.names = [name for name, _ in steps]
        self.steps = [step for _, step in steps]
        self.values: list[object] = []
        self.error: tuple[int, BaseException] | None = None

    def reach(self, name: str) -> object:
        target = self.names.index(name)
        if self.error is not None:
            failed, error = self.error
            if target >= failed:
                raise error
            self.values, self.error = [], None  # the database holds what the failed step left
        elif target < len(self.values) - 1:
            self.values = []
        while len(self.values) <= target:
            index = len(self.values)
            try:
                self.values.append(self.steps[index]())
            except BaseException as error:
                self.error = (index, error)
                raise
        return self.values[target]

    def value(self, name: str) -> object:
        """What step `name` returned (it has run: a step before the one last reached)."""
        index = self.names.index(name)
        if index >= len(self.values):
            raise LookupError(f"step {name!r} has not run")
        return self.values[index]
