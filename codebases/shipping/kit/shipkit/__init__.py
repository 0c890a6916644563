"""shipkit: what hidden tests need to grade the shipping service (codebases/shipping) from
outside. The service is Go; the tests are Python and never import it: they build its one binary,
migrate and seed its database, start the API server and the worker as their own processes (as
the user `app`, through gradekit) and talk HTTP to them.

    import shipkit as sk

    sk.build()                       # go build -o bin/shipping ./cmd/shipping, once per session
    sk.reset_database()              # empty schema, then `shipping migrate up`
    sk.reset_database(deployed=5, as_deployed=fn)   # as a deploy finds it: at 5, fn(), then up
    result = sk.upgrade(deployed=8, as_deployed=fn) # the same, but the upgrade may fail: its result
    with pg.connect() as con:
        tenant = sk.insert_tenant(con, "legacy", admin_key=KEY)   # rows an older release made
    sk.drop_indexes_on("parcels", "reference")      # production without the index a break removed
    seeded = sk.seed(parcels=500)    # tenants acme and globex, a key per role, generated parcels
    with sk.serve(env={"CARRIER_URL": carrier.url}) as server:   # `shipping serve`, /health answered
        api = sk.client(server, seeded.key("acme", "admin"))
        tenant = sk.new_tenant(server)   # a fresh tenant with its own keys
    with sk.worker() as proc:        # `shipping worker` until the block ends (SIGTERM)
        ...
    sk.worker_once()                 # `shipping worker --once`: the due jobs, then exit

Outside services played by the test process: `shipkit.fakes.FakeCarrier` (the carrier API,
`CARRIER_URL`) and `shipkit.fakes.WebhookReceiver` (webhook endpoints).

Every function takes `env=` (extra variables for the code under test, e.g.
`{"CARRIER_TIMEOUT_MS": "500"}`): they are added to the service variables the grader gives
(DATABASE_URL), never the test process's own.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import gradekit
from gradekit import pg

__all__ = [
    "BINARY", "BuildError", "Seeded", "Tenant", "app_env", "build", "cli", "client", "logs", "migrate",
    "new_tenant", "parcel", "reset_database", "seed", "serve", "server_command", "shipment", "worker",
    "worker_once",
]

BINARY = "bin/shipping"
"""the service's binary, relative to the repository (the build writes it; .gitignored)"""
BUILD_TIMEOUT = 600.0
"""seconds for `go build` (a cold build on a busy one-core grading container)"""

_built = False


class BuildError(RuntimeError):
    """The code under test does not compile, or a command of it failed."""


def app_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the code under test: the grader's service variables, LOG_LEVEL=info,
    a carrier that refuses connections (tests that buy labels give their fake's URL), plus `env`."""
    return gradekit.app_env(**{"LOG_LEVEL": "info", "CARRIER_URL": "http://127.0.0.1:9", **dict(env or {})})


def _run(argv: list[str], *, env: Mapping[str, str] | None = None, timeout: float = 120,
         check: bool = True) -> subprocess.CompletedProcess:
    result = gradekit.run(argv, env=app_env(env), timeout=timeout)
    if check and result.returncode != 0:
        raise BuildError(f"{' '.join(argv)} exited {result.returncode}:\n{(result.stdout + result.stderr)[-4000:]}")
    return result


def build(force: bool = False) -> None:
    """Build the binary once per test session (Go's build cache, warmed in the image, makes
    this recompile only the packages that changed)."""
    global _built
    if _built and not force:
        return
    _run(["go", "build", "-o", BINARY, "./cmd/shipping"], timeout=BUILD_TIMEOUT)
    _built = True


def migrate(*args: str, env: Mapping[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """`shipping migrate ARGS` (`up [VERSION]`, `status`): exit code and output."""
    build()
    return _run([BINARY, "migrate", *(args or ("up",))], env=env, check=check)


def reset_database(env: Mapping[str, str] | None = None, *, deployed: int | None = None,
                   as_deployed: Callable[[], None] | None = None) -> None:
    """An empty database at the latest schema (drops everything, then migrates up). With
    `deployed=N` it gets there the way a deploy does: migrated up to N first, then
    `as_deployed()` (e.g. rows the release made), then `migrate up`."""
    pg.reset_schema()
    if deployed is not None:
        migrate("up", str(deployed), env=env)
        if as_deployed is not None:
            as_deployed()
    migrate("up", env=env)


def upgrade(deployed: int, as_deployed: Callable[[], None] | None = None, *,
            env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """The upgrade a migrations fixture grades: an empty schema migrated up to `deployed`
    (production's version), `as_deployed()` (the rows production holds), then `migrate up`
    without raising: its exit code and output are for the tests to read (a failed upgrade
    leaves the database at `deployed`)."""
    pg.reset_schema()
    migrate("up", str(deployed), env=env)
    if as_deployed is not None:
        as_deployed()
    return migrate("up", env=env, check=False)


def insert_tenant(con: Any, slug: str, *, admin_key: str | None = None, key_name: str = "ops") -> int:
    """A tenant written straight into the database, below the API (as an older release made it),
    and `admin_key` (`shp_<prefix>_<secret>`) as its admin key when given: the tenant's id."""
    tenant = con.execute("INSERT INTO tenants (slug, name) VALUES (%s, %s) RETURNING id",
                         (slug, slug.title())).fetchone()[0]  # fmt: skip
    if admin_key is not None:
        con.execute("INSERT INTO api_keys (tenant_id, name, role, prefix, hash) VALUES (%s, %s, 'admin', %s, %s)",
                    (tenant, key_name, admin_key.split("_")[1], hashlib.sha256(admin_key.encode()).hexdigest()))
    return int(tenant)


def drop_indexes_on(table: str, column: str) -> list[str]:
    """Drop every index of `table` that covers `column` (its primary key aside) and name them:
    production's database for an index fixture, where the index the break removed never was,
    whatever the code under test's older migrations make."""
    with pg.connect() as con:
        names = [row[0] for row in con.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
            " JOIN pg_class t ON t.oid = x.indrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)"
            " WHERE t.relname = %s AND a.attname = %s AND NOT x.indisprimary", (table, column)).fetchall()]  # fmt: skip
        for name in names:
            con.execute(f'DROP INDEX IF EXISTS "{name}"')
    return names


@dataclass
class Seeded:
    """What `shipping seed` made: per tenant slug its id and a key per role."""

    tenants: dict[str, dict[str, Any]]

    def key(self, slug: str, role: str) -> str:
        return self.tenants[slug]["keys"][role]

    def tenant_id(self, slug: str) -> int:
        return int(self.tenants[slug]["id"])


def seed(*, parcels: int = 0, analyze: bool = False, env: Mapping[str, str] | None = None) -> Seeded:
    """Load the demo data (tenants `acme` and `globex`; keys `admin`, `operator`, `viewer`) with
    `parcels` generated parcels each (three in four shipped, every tenth with an older cancelled
    shipment); `analyze=True` then runs ANALYZE, so the planner knows the data's size."""
    build()
    result = _run([BINARY, "seed", "--parcels", str(parcels)], env=env, timeout=600)
    seeded = Seeded(json.loads(result.stdout)["tenants"])
    if analyze:
        with pg.connect() as con:
            con.execute("ANALYZE")
    return seeded


def cli(*args: str, env: Mapping[str, str] | None = None) -> Any:
    """`shipping ARGS` (create-tenant, create-key, jobs ...): its JSON answer."""
    build()
    return json.loads(_run([BINARY, *args], env=env).stdout)


def server_command(*extra: str) -> list[str]:
    return [BINARY, "serve", "--port", "{port}", "--host", "127.0.0.1", *extra]


@contextmanager
def serve(env: Mapping[str, str] | None = None, *, health: str = "/health",
          timeout: float = gradekit.process.START_TIMEOUT) -> Iterator[gradekit.Server]:
    """The API server as its own process on a free port, once `health` answers 200; stopped
    (SIGTERM, then SIGKILL) when the block ends. `server.url`, `server.output()`."""
    build()
    with gradekit.serve(server_command(), health=health, env=app_env(env), timeout=timeout) as server:
        yield server


@contextmanager
def worker(env: Mapping[str, str] | None = None, *, name: str = "worker") -> Iterator[gradekit.AppProcess]:
    """`shipping worker` running until the block ends (SIGTERM, then SIGKILL); it polls every
    100 ms unless `env` says otherwise."""
    build()
    proc = gradekit.spawn([BINARY, "worker"], env=app_env({"WORKER_POLL_MS": "100", **dict(env or {})}), name=name)
    try:
        yield proc
    finally:
        proc.stop(grace=10)


def worker_once(env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """`shipping worker --once`: every job that is due, then exit."""
    build()
    return _run([BINARY, "worker", "--once"], env=env)


def client(server: gradekit.Server | str, key: str | None = None, **kwargs: Any):
    """An httpx client on the server's base URL, authenticated with `key` (Bearer)."""
    url = server if isinstance(server, str) else server.url
    headers = dict(kwargs.pop("headers", {}) or {})
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return gradekit.http(base_url=url, headers=headers, **kwargs)


def logs(process: gradekit.AppProcess) -> list[dict[str, Any]]:
    """The process's JSON log lines (other output skipped)."""
    entries = []
    for line in process.output().splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                entries.append(json.loads(line))
            except ValueError:
                pass
    return entries


@dataclass
class Tenant:
    """A fresh tenant: its id and slug, and a key of each role."""

    id: int
    slug: str
    admin: str
    operator: str
    viewer: str


def _ok(response, what: str) -> dict[str, Any]:
    if response.status_code not in (200, 201):
        raise BuildError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json()


def new_tenant(server: gradekit.Server | str, slug: str | None = None) -> Tenant:
    """A new tenant made through the CLI (its admin key) and the API (its other keys)."""
    slug = slug or f"t-{uuid.uuid4().hex[:10]}"
    made = cli("create-tenant", slug, f"Tenant {slug}")
    with client(server, made["admin_key"]) as api:
        operator = _ok(api.post("/v1/api-keys", json={"name": "operator", "role": "operator"}), "operator key")
        viewer = _ok(api.post("/v1/api-keys", json={"name": "viewer", "role": "viewer"}), "viewer key")
    return Tenant(id=made["tenant_id"], slug=slug, admin=made["admin_key"], operator=operator["key"],
                  viewer=viewer["key"])


PARCEL = {"recipient_name": "Ada Lovelace", "street": "1 Main Street", "city": "Berlin", "postal_code": "10115",
          "country": "DE", "weight_grams": 1200, "length_cm": 30, "width_cm": 20, "height_cm": 10}
"""a valid parcel's fields (with a `reference` added by `parcel`)"""


def parcel(api, reference: str | None = None, **fields: Any) -> dict[str, Any]:
    """Register a parcel through the API (201 expected): its JSON."""
    body = {**PARCEL, "reference": reference or f"ref-{uuid.uuid4().hex[:8]}", **fields}
    return _ok(api.post("/v1/parcels", json=body), "parcel")


def shipment(api, parcel_id: int, service_level: str = "standard") -> dict[str, Any]:
    """Ship a parcel through the API (201 expected): its JSON."""
    return _ok(api.post("/v1/shipments", json={"parcel_id": parcel_id, "service_level": service_level}), "shipment")
