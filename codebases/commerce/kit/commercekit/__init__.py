"""commercekit: what hidden tests need to run the commerce service and observe it from outside.

Everything of the code under test runs as its own process, as the unprivileged user `app`,
through gradekit: the schema is built by the repository's own Alembic history, demo data by
its own seed command, the API under uvicorn, the worker as `python -m app.worker`. The tests
talk HTTP to the API and read PostgreSQL (as its superuser) and Redis directly.

    import commercekit as ck

    data = ck.setup(orders=300)                  # empty schema, alembic upgrade head, seed
    with ck.serve() as server:
        acme = ck.api(server, data.key("acme", "staff"))
        order = acme.post("/v1/orders", json={...}).json()
        ck.run_worker_burst()                    # relay the outbox, run the jobs, exit
        assert ck.scalar("SELECT count(*) FROM invoices WHERE order_id = %s", (order["id"],)) == 1

Inside `with ck.warm():` (the `warm` fixture of `commercekit.fixtures`) the migrations, the seed
and `serve()` are forks of one interpreter with the libraries imported: new processes all the
same, started for a fraction of the CPU.

Seeded data is deterministic (same arguments, same ids and API keys on an empty database).
"""

from .client import Api, api, create_tenant
from .db import one, rows, scalar
from .service import (ADMIN_TOKEN, Seed, env, json_lines, migrate, reset, run_cli, run_worker_burst, seed, serve,
                      setup, start_worker, wait_for_log, warm)

__all__ = [
    "ADMIN_TOKEN", "Api", "Seed", "api", "create_tenant", "env", "json_lines", "migrate", "one", "reset", "rows",
    "run_cli", "run_worker_burst", "scalar", "seed", "serve", "setup", "start_worker", "wait_for_log", "warm",
]
