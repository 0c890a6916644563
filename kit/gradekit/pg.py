"""PostgreSQL from the test process: the app's database as its superuser, and the work the code
under test did, read from the server's own statistics.

`measure()` resets and reads `pg_stat_statements` (installed in the `postgres` database, which
the app's role cannot even connect to; every statement counted, nested ones and utility ones too,
so rows read through a cursor (`FETCH`) or `COPY` count): how many statements the app's role
ran (transaction control and session settings such as BEGIN, COMMIT, SET, SHOW not counted as
calls), how many rows they returned or changed and how many shared buffers they touched. The
code under test cannot hide or reset any of it: its role is no superuser and does not know the
superuser's password, which the grader sets per grading run and gives only to the test process
(EVALS_PG_PASSWORD).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

SUPERUSER = "postgres"
STATS_DATABASE = "postgres"


@dataclass(frozen=True)
class Url:
    user: str
    password: str
    host: str
    port: int
    database: str

    def dsn(self, user: str | None = None, password: str | None = None, database: str | None = None) -> str:
        user, password = user or self.user, self.password if password is None else password
        return (f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{self.host}:{self.port}/"
                f"{quote(database or self.database, safe='')}")  # fmt: skip


def parse(url: str | None = None) -> Url:
    """DATABASE_URL (SQLAlchemy's `postgresql+psycopg://` spelling too) -> its parts."""
    url = url or os.environ["DATABASE_URL"]
    parts = urlsplit(re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url))
    return Url(unquote(parts.username or ""), unquote(parts.password or ""), parts.hostname or "localhost",
               parts.port or 5432, unquote(parts.path.lstrip("/")))  # fmt: skip


def app_dsn(url: str | None = None) -> str:
    """The app's own DATABASE_URL as a libpq URL (what the code under test connects with)."""
    return parse(url).dsn()


def admin_dsn(database: str | None = None) -> str:
    """The superuser on the app's database server (password from EVALS_PG_PASSWORD)."""
    password = os.environ.get("EVALS_PG_PASSWORD")
    if not password:
        raise RuntimeError("EVALS_PG_PASSWORD is not set: the grader sets it (the superuser's password)")
    return parse().dsn(SUPERUSER, password, database)


def connect(*, admin: bool = True, database: str | None = None, autocommit: bool = True, **kwargs):
    """A psycopg connection to the app's database: as the superuser (default), or as the app's
    role."""
    import psycopg

    dsn = admin_dsn(database) if admin else parse().dsn(database=database)
    return psycopg.connect(dsn, autocommit=autocommit, **kwargs)


def reset_schema() -> None:
    """An empty `public` schema owned by the app's role (what a fresh database has)."""
    from psycopg import sql

    role = parse().user
    with connect() as con:
        con.execute("DROP SCHEMA IF EXISTS public CASCADE")
        con.execute(sql.SQL("CREATE SCHEMA public AUTHORIZATION {}").format(sql.Identifier(role)))
        con.execute("GRANT USAGE ON SCHEMA public TO PUBLIC")


_CONTROL = re.compile(
    r"^\s*(begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|set|reset|show|"
    r"discard|deallocate|close|listen|unlisten)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    query: str
    calls: int
    rows: int
    blocks: int
    """shared buffers hit or read: the pages the statement touched"""

    @property
    def blocks_per_call(self) -> float:
        return self.blocks / max(1, self.calls)

    @property
    def control(self) -> bool:
        """Transaction control or a session setting (BEGIN, COMMIT, SET, SHOW...): no work."""
        return bool(_CONTROL.match(self.query))


@dataclass
class Work:
    """What the app's role ran on its database during a `measure()` block (filled at its end)."""

    statements: list[Statement] = field(default_factory=list)

    @property
    def calls(self) -> int:
        """Statements that did work (not transaction control or session settings)."""
        return sum(s.calls for s in self.statements if not s.control)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.statements)

    @property
    def blocks(self) -> int:
        return sum(s.blocks for s in self.statements)

    def matching(self, pattern: str) -> list[Statement]:
        """Statements whose (normalised) text matches `pattern` (case-insensitive regex)."""
        regex = re.compile(pattern, re.IGNORECASE)
        return [s for s in self.statements if regex.search(s.query)]

    def heaviest(self, pattern: str) -> Statement:
        """Of the statements matching `pattern`, the one that touched the most buffers per call
        (AssertionError when none matches: the request did not touch what the test expected)."""
        found = self.matching(pattern)
        assert found, f"no statement matching {pattern!r} was counted: {self.summary()}"
        return max(found, key=lambda s: s.blocks_per_call)

    def __len__(self) -> int:
        return self.calls

    def summary(self, limit: int = 8) -> str:
        top = sorted((s for s in self.statements if not s.control), key=lambda s: -s.calls)[:limit]
        lines = [f"{s.calls:>5} calls {s.rows:>7} rows {s.blocks:>7} blocks  {' '.join(s.query.split())[:150]}"
                 for s in top]  # fmt: skip
        return f"{self.calls} statements, {self.rows} rows, {self.blocks} blocks:\n" + "\n".join(lines)


_READ = """
SELECT query, calls, rows, shared_blks_hit + shared_blks_read
FROM pg_stat_statements
WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = %s)
  AND dbid = (SELECT oid FROM pg_database WHERE datname = %s)
"""


@contextmanager
def measure() -> Iterator[Work]:
    """Count the statements, rows and buffers of the app's role on its database while the block
    runs. Let the code's answer arrive (the HTTP response, the command's exit) before the block
    ends: a statement is counted when it finishes."""
    url = parse()
    work = Work()
    with connect(database=STATS_DATABASE) as con:
        con.execute("SELECT pg_stat_statements_reset()")
        yield work
        rows = con.execute(_READ, (url.user, url.database)).fetchall()
    work.statements = [Statement(q or "", int(c), int(r), int(b)) for q, c, r, b in rows]
