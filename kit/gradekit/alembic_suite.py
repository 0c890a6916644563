"""pytest fixtures for the hidden tests of an Alembic data migration: one scenario (an empty
schema migrated to the revision before the fix, seeded the way old code wrote the data, then
upgraded to head, downgraded and upgraded again) that the migration tests share step by step
(`migrate.Journey`), and the API started on the upgraded database for the API tests, its rows
put back before each test (`pg.DataSnapshot`). Every Alembic command is a fork of one warm
interpreter of the code under test (`migrate.warm`).

A conftest.py loads it and describes its scenario:

    pytest_plugins = ["gradekit.alembic_suite"]

    @pytest.fixture(scope="session")
    def scenario() -> alembic_suite.Scenario:
        return alembic_suite.Scenario(previous_head="0002", seed=seed, columns=untouched,
                                      app=gradekit.uvicorn("app.main:app"), health="/healthz")

Fixtures: `pg` (a superuser connection), `journey`, `upgraded_db` / `downgraded_db` /
`upgraded_again_db` (the step reached; each returns the columns `columns(con)` read after
seeding), `server` and `client` (the API on the upgraded database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from . import migrate, pg as gpg
from .http import http as http_client
from .process import Server, serve


@dataclass(frozen=True)
class Scenario:
    previous_head: str
    """the last revision before the fix's migration"""
    seed: Callable[[Any], None]
    """writes the legacy rows with a superuser connection (psycopg), at `previous_head`"""
    columns: Callable[[Any], object]
    """reads what the migration must keep as it was (compared after each step)"""
    app: Sequence[str]
    """the API's command (`gradekit.uvicorn(...)`, `gradekit.flask(...)`)"""
    health: str = "/healthz"
    preload: Sequence[str] = migrate.ALEMBIC_PRELOAD
    """third-party modules the warm interpreter imports once (add the web framework if the
    migrations import the app)"""

    def legacy(self) -> object:
        """An empty schema migrated to `previous_head` and seeded: `columns` as seeded."""
        gpg.reset_schema()
        migrate.alembic_upgrade(self.previous_head)
        assert migrate.alembic_current() == self.previous_head
        with gpg.connect() as con:
            self.seed(con)
            return self.columns(con)

    def upgrade(self) -> None:
        migrate.alembic_upgrade("head")
        assert migrate.alembic_current() != self.previous_head, f"no new migration after {self.previous_head}"


@pytest.fixture(scope="session", autouse=True)
def _warm(scenario: Scenario) -> Iterator[None]:
    with migrate.warm(tuple(scenario.preload)):
        yield


@pytest.fixture()
def pg() -> Iterator[Any]:
    with gpg.connect() as con:
        yield con


@pytest.fixture(scope="module")
def journey(scenario: Scenario) -> migrate.Journey:
    """legacy -> upgrade -> downgrade -> upgrade again, each step run once for the module."""
    return migrate.Journey([
        ("legacy", scenario.legacy),
        ("upgrade", scenario.upgrade),
        ("downgrade", lambda: migrate.alembic_downgrade(scenario.previous_head)),
        ("upgrade again", lambda: migrate.alembic_upgrade("head")),
    ])


@pytest.fixture()
def upgraded_db(journey: migrate.Journey) -> object:
    """The seeded database upgraded to head; returns the columns as seeded."""
    journey.reach("upgrade")
    return journey.value("legacy")


@pytest.fixture()
def downgraded_db(journey: migrate.Journey) -> object:
    """... then downgraded to the previous head."""
    journey.reach("downgrade")
    return journey.value("legacy")


@pytest.fixture()
def upgraded_again_db(journey: migrate.Journey) -> object:
    """... then upgraded to head again."""
    journey.reach("upgrade again")
    return journey.value("legacy")


@pytest.fixture(scope="module")
def migrated_rows(scenario: Scenario) -> Iterator[gpg.DataSnapshot]:
    """For the API tests: the seeded database upgraded to head, its rows kept to be put back."""
    scenario.legacy()
    scenario.upgrade()
    snapshot = gpg.DataSnapshot()
    yield snapshot
    snapshot.drop()


@pytest.fixture(scope="module")
def server(scenario: Scenario, migrated_rows: gpg.DataSnapshot) -> Iterator[Server]:
    """The API, started on the migrated database."""
    with serve(list(scenario.app), health=scenario.health) as running:
        yield running


@pytest.fixture()
def client(server: Server, migrated_rows: gpg.DataSnapshot) -> Iterator[Any]:
    """A client of the server; the database's rows as migrated (put back after earlier tests)."""
    migrated_rows.for_next_test()
    with http_client(base_url=server.url) as c:
        yield c
