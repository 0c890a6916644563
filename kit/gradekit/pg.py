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


# --- one database shared by several tests -------------------------------------------------------


@contextmanager
def rolled_back(con) -> Iterator[None]:
    """A test's statement on a shared database, undone afterwards: the block runs in a
    transaction of `con` (an autocommit connection) that is rolled back, with every deferrable
    constraint checked at once (`SET CONSTRAINTS ALL IMMEDIATE`), so the statement fails or
    succeeds just as it would on its own in autocommit. One failing statement per block (a failed
    statement aborts the transaction)."""
    with con.transaction(force_rollback=True):
        con.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield


class DataSnapshot:
    """The rows of every table of the app's schema and where its sequences stand, copied as the
    superuser into a schema of its own (`gradekit_snapshot`, which the app's role cannot read);
    `restore()` puts them back (deleting what was added since, in tables made since too) without
    touching the schema, while the code under test keeps running on the database: what
    re-running its migrations or its init script and re-seeding would give, without running
    them. Take it once the database is set up; `for_next_test()` before each test; `drop()` at
    the end.

    The restore is one transaction with triggers and foreign keys off (`session_replication_role
    = replica`): rows come back exactly as copied, identity columns included. It deletes with
    DELETE (row locks only), never TRUNCATE, so an app connection idle in a transaction does not
    block it."""

    SCHEMA = "gradekit_snapshot"

    def __init__(self, schema: str = "public") -> None:
        from psycopg import sql

        self.schema = schema
        self.columns: dict[str, list[str]] = {}
        self._used = False
        with connect() as con:
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.SCHEMA)))
            con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.SCHEMA)))
            con.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(self.SCHEMA)))
            for table in self._tables(con):
                self.columns[table] = [r[0] for r in con.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                    " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                    (sql.Identifier(schema, table).as_string(con),)).fetchall()]  # fmt: skip
                con.execute(sql.SQL("CREATE TABLE {} AS SELECT {} FROM {}").format(
                    sql.Identifier(self.SCHEMA, table), self._list(table), sql.Identifier(schema, table)))
            self.sequences = con.execute(
                "SELECT sequencename, last_value, start_value FROM pg_sequences WHERE schemaname = %s",
                (schema,)).fetchall()  # fmt: skip

    def _tables(self, con) -> list[str]:
        return [r[0] for r in con.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1",
            (self.schema,)).fetchall()]  # fmt: skip

    def _list(self, table: str):
        from psycopg import sql

        return sql.SQL(", ").join(map(sql.Identifier, self.columns[table]))

    def restore(self) -> None:
        from psycopg import sql

        with connect(autocommit=False) as con:
            con.execute("SET LOCAL session_replication_role = replica")
            for table in self._tables(con):  # tables made since the snapshot are emptied too
                con.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(self.schema, table)))
            for table in self.columns:
                con.execute(sql.SQL("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {}").format(
                    sql.Identifier(self.schema, table), self._list(table), self._list(table),
                    sql.Identifier(self.SCHEMA, table)))  # fmt: skip
            for name, last_value, start_value in self.sequences:
                qualified = sql.Identifier(self.schema, name).as_string(con)
                if last_value is None:
                    con.execute("SELECT setval(%s::regclass, %s, false)", (qualified, start_value))
                else:
                    con.execute("SELECT setval(%s::regclass, %s, true)", (qualified, last_value))
            con.commit()

    def for_next_test(self) -> None:
        """Restore the rows unless no test has used them yet (call it before each test)."""
        if self._used:
            self.restore()
        self._used = True

    def drop(self) -> None:
        from psycopg import sql

        with connect() as con:
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.SCHEMA)))
