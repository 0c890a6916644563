"""gradekit: what hidden tests use to run the code under test as its own process and observe it.

The grader runs pytest as root in a fresh container (`/grader`, unreadable to anyone else) with
this package importable and the repository NOT importable: hidden tests never import the code
under test. They start it the way it runs in production, as the unprivileged user `app`
(`serve` for a web server, `spawn` for a worker, `run` / `python` for a command), and judge it
from outside: HTTP responses, rows in the database, keys in Redis, files, exit codes, logs.
Work is measured where the code cannot reach it: `pg.measure()` reads PostgreSQL's own
statement statistics (calls, rows, buffers) as the database's superuser, whose password only
the test process knows.

    import gradekit
    from gradekit import pg

    with gradekit.serve(gradekit.uvicorn("app.main:app"), health="/health") as server:
        with pg.measure() as work:
            response = gradekit.http().get(server.url + "/orders?limit=200")
        assert work.calls <= 4 and work.rows <= 2_000

The environment the harness gives the test process (all optional outside the grader):
`EVALS_REPO` (the repository, default /repo), `EVALS_APP_USER` (default `app`), `EVALS_APP_ENV`
(names of the variables the code under test gets, e.g. `DATABASE_URL,REDIS_URL`: the same names
and values the agent's container had) and `EVALS_PG_PASSWORD` (the superuser's password).
"""

from .http import burst, http, wait_http
from .poll import eventually
from .process import (
    REPO,
    AppProcess,
    Server,
    app_env,
    django,
    flask,
    kill_app_processes,
    python,
    run,
    serve,
    spawn,
    uvicorn,
)

__all__ = [
    "REPO", "AppProcess", "Server", "app_env", "burst", "django", "eventually", "flask", "http",
    "kill_app_processes", "python", "run", "serve", "spawn", "uvicorn", "wait_http",
]
