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
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence

from . import pg
from .process import run

TIMEOUT = 300.0
"""seconds a migration command may take (the grading machine may be busy)"""


class CommandFailed(AssertionError):
    """A migration command of the code under test exited with an error."""


def command(argv: Sequence[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """Run a command of the code under test from the repository's root; CommandFailed when it
    exits with an error."""
    done = run(argv, timeout=timeout)
    if done.returncode != 0:
        raise CommandFailed(f"`{shlex.join(map(str, argv))}` exited with {done.returncode}:\n"
                            f"{(done.stdout + done.stderr)[-4000:]}")  # fmt: skip
    return done


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
