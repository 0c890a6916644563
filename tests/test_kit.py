"""The hidden tests' kit (kit/gradekit), its pure parts, on the host: every fixture's hidden tests
exercise the rest in the grading container (`evals validate`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[1] / "kit"
sys.path.insert(0, str(KIT))

from gradekit import driver, pg  # noqa: E402
from gradekit.clock import FakeClock  # noqa: E402
from gradekit.process import app_env  # noqa: E402


def test_database_urls_in_either_spelling():
    url = pg.parse("postgresql+psycopg://app:p%40ss@db:5432/app")
    assert (url.user, url.password, url.host, url.port, url.database) == ("app", "p@ss", "db", 5432, "app")
    assert url.dsn() == "postgresql://app:p%40ss@db:5432/app"
    assert url.dsn("postgres", "s3cret", "postgres") == "postgresql://postgres:s3cret@db:5432/postgres"
    assert pg.parse("postgres://u:p@h/d").port == 5432


def test_work_counts_statements_that_did_work():
    work = pg.Work([
        pg.Statement("BEGIN", 3, 0, 0), pg.Statement("show standard_conforming_strings", 1, 1, 0),
        pg.Statement("SELECT * FROM users WHERE email = $1", 2, 2, 8),
        pg.Statement("FETCH FORWARD 100 FROM c1", 4, 400, 60), pg.Statement("COMMIT", 3, 0, 0),
    ])  # fmt: skip
    assert (work.calls, work.rows, work.blocks, len(work)) == (6, 403, 68, 6)
    assert work.heaviest(r"\busers\b").blocks_per_call == 4
    assert "FETCH" in work.summary() and "BEGIN" not in work.summary()
    with pytest.raises(AssertionError, match="no statement matching"):
        work.heaviest(r"\borders\b")


def test_the_code_under_test_gets_only_the_services_variables(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:app@db/app")
    monkeypatch.setenv("EVALS_APP_ENV", "DATABASE_URL")
    monkeypatch.setenv("EVALS_PG_PASSWORD", "secret")
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "x")
    env = app_env(FEATURE="on")
    assert env["DATABASE_URL"] == "postgresql://app:app@db/app" and env["FEATURE"] == "on"
    assert "PATH" in env and "HOME" in env
    assert not {"EVALS_PG_PASSWORD", "EVALS_APP_ENV", "PYTEST_CURRENT_TEST"} & set(env)


def test_a_driver_hands_its_result_back_after_whatever_the_code_printed():
    argv = driver.argv("print('noise'); result = {'sum': sum(args)}", [1, 2, 3])
    done = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("noise") and driver.result_of(done.stdout) == {"sum": 6}
    with pytest.raises(AssertionError, match="without a result"):
        driver.result_of("Traceback ...")


def test_a_fake_clock_is_read_by_other_processes():
    clock = FakeClock(1_700_000_000.5)
    clock.advance(60)
    read = f"print(({clock.expression()})())"
    assert float(subprocess.run([sys.executable, "-c", read], capture_output=True, text=True).stdout) == 1_700_000_060.5
