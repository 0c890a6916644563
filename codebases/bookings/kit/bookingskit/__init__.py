"""bookingskit: what hidden tests need to grade the bookings service (codebases/bookings) from
outside. The service is TypeScript on Node.js; the tests are Python and never import it: they
build it, migrate and seed its database, start the API server and the worker as their own
processes (as the user `app`, through gradekit) and talk HTTP to them.

    import bookingskit as bk

    bk.build()                       # npm run build -> dist/, once per test session
    bk.reset_database()              # empty schema, then `node dist/migrate.js up`
    bk.reset_database(deployed="6", as_deployed=drop_index)   # as a deploy finds it: at 6, then up
    seeded = bk.seed()               # the fixed demo data: two tenants, keys of every role
    bk.seed(bookings=3000, analyze=True)   # + generated bookings, then ANALYZE (planner statistics)
    with bk.serve() as server:       # node dist/server.js on a free port, /health answered
        api = bk.client(server, seeded.key("acme", "admin"))
        assert api.get("/v1/venues").status_code == 200
        tenant = bk.new_tenant(server)   # a fresh tenant with its own keys, venue, resources
    with bk.worker() as proc:        # node dist/worker.js until the block ends (SIGTERM)
        ...
    bk.worker_once()                 # one pass of every worker task, then exit

Outside services played by the test process: `bookingskit.fakes.FakeGateway` (the payment
gateway, `PAYMENT_GATEWAY_URL`) and `bookingskit.fakes.WebhookReceiver` (webhook endpoints).

Every function takes `env=` (extra variables for the code under test, e.g.
`{"RATE_LIMIT_BOOKINGS_MAX": "3"}`): they are added to the service variables the grader gives
(DATABASE_URL, REDIS_URL), never the test process's own.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import gradekit
from gradekit import pg

__all__ = [
    "BuildError", "Seeded", "Tenant", "app_env", "build", "cli", "client", "future", "logs",
    "migrate", "new_tenant", "outbox_event", "paid_booking", "reset_database", "seed", "serve",
    "server_command", "worker", "worker_once",
]

BUILD_TIMEOUT = 600.0
"""seconds for `npm run build` (on a busy one-core grading container)"""

_built = False


class BuildError(RuntimeError):
    """The code under test does not compile, or a command of it failed."""


def app_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the code under test: the grader's service variables, LOG_LEVEL=info,
    plus `env`."""
    return gradekit.app_env(LOG_LEVEL="info", NODE_ENV="production", **dict(env or {}))


def _run(argv: list[str], *, env: Mapping[str, str] | None = None, timeout: float = 120,
         check: bool = True) -> subprocess.CompletedProcess:
    result = gradekit.run(argv, env=app_env(env), timeout=timeout)
    if check and result.returncode != 0:
        raise BuildError(f"{' '.join(argv)} exited {result.returncode}:\n{(result.stdout + result.stderr)[-4000:]}")
    return result


def build(force: bool = False) -> None:
    """Build the repository (`npm run build`: src/ into dist/) once per test session."""
    global _built
    if _built and not force:
        return
    _run(["npm", "run", "--silent", "build"], timeout=BUILD_TIMEOUT)
    _built = True


def migrate(*args: str, env: Mapping[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """`node dist/migrate.js ARGS` (`up [V]`, `down [V]`, `status`): exit code and output."""
    build()
    return _run(["node", "dist/migrate.js", *(args or ("up",))], env=env, check=check)


def reset_database(env: Mapping[str, str] | None = None, *, deployed: str | None = None,
                   as_deployed: Callable[[], None] | None = None) -> None:
    """An empty database at the latest schema (drops everything, then migrates up).

    With `deployed="6"` it gets there the way a deploy does: first migrated up to that version
    (the release production runs), then `as_deployed()`, when given, makes it what that release
    really left (e.g. drops an index that the code under test's own older migrations create, so
    that only a new migration can add it), then `migrate up` runs the newer migrations."""
    pg.reset_schema()
    if deployed is not None:
        migrate("up", deployed, env=env)
        if as_deployed is not None:
            as_deployed()
    migrate("up", env=env)


@dataclass
class Seeded:
    """What `node dist/seed.js` made: per tenant slug its id, keys by role, and ids by name."""

    orgs: dict[str, dict[str, Any]]

    def key(self, slug: str, role: str) -> str:
        return self.orgs[slug]["keys"][role]

    def org_id(self, slug: str) -> str:
        return self.orgs[slug]["id"]

    def resource(self, slug: str, name: str) -> str:
        return self.orgs[slug]["resources"][name]

    def customer(self, slug: str, name: str) -> str:
        return self.orgs[slug]["customers"][name]


def seed(*, reset: bool = True, bookings: int = 0, analyze: bool = False,
         env: Mapping[str, str] | None = None) -> Seeded:
    """Load the deterministic demo data (tenants `acme` and `globex`; keys `admin`, `staff`,
    `member`); `bookings=N` adds N generated paid bookings per tenant from 2031-01-01 on;
    `analyze=True` then runs ANALYZE (as the superuser), so the planner knows the data's size."""
    build()
    argv = ["node", "dist/seed.js", *(["--reset"] if reset else []), "--bookings", str(bookings)]
    result = _run(argv, env=env, timeout=600)
    seeded = Seeded(json.loads(result.stdout)["orgs"])
    if analyze:
        with pg.connect() as con:
            con.execute("ANALYZE")
            con.commit()
    return seeded


def cli(*args: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`node dist/cli.js ARGS` (create-org, create-key): its JSON answer."""
    build()
    return json.loads(_run(["node", "dist/cli.js", *args], env=env).stdout)


def server_command(*extra: str) -> list[str]:
    return ["node", "dist/server.js", "--port", "{port}", "--host", "127.0.0.1", *extra]


@contextmanager
def serve(env: Mapping[str, str] | None = None, *, health: str = "/health",
          timeout: float = gradekit.process.START_TIMEOUT) -> Iterator[gradekit.Server]:
    """The API server as its own process on a free port, once `health` answers 200; stopped
    (SIGTERM, then SIGKILL) when the block ends. `server.url`, `server.output()`."""
    build()
    with gradekit.serve(server_command(), health=health, env=app_env(env), timeout=timeout) as server:
        yield server


@contextmanager
def worker(env: Mapping[str, str] | None = None) -> Iterator[gradekit.AppProcess]:
    """`node dist/worker.js` running until the block ends (SIGTERM, then SIGKILL)."""
    build()
    proc = gradekit.spawn(["node", "dist/worker.js"], env=app_env({"WORKER_INTERVAL_MS": "100", **dict(env or {})}),
                          name="worker")
    try:
        yield proc
    finally:
        proc.stop(grace=10)


def worker_once(env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """One pass of every worker task (`node dist/worker.js --once`)."""
    build()
    return _run(["node", "dist/worker.js", "--once"], env=env)


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


def future(days: int, hour: int, minute: int = 0) -> str:
    """`days` from today at hh:mm UTC, ISO 8601 with Z (the API's time format)."""
    now = datetime.now(timezone.utc)
    at = (now + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Tenant:
    """A fresh tenant: keys of each role (member acts as `alice`), a venue, a court (60-minute
    slots 07:00-22:00 UTC, 2500 cents a slot, at most 3) and a room (30-minute slots 08:00-20:00,
    1000 cents), customers alice and bob."""

    org_id: str
    slug: str
    admin: str
    staff: str
    member: str
    venue_id: str
    court_id: str
    room_id: str
    alice: str
    bob: str
    extra: dict[str, Any] = field(default_factory=dict)


def _ok(response, what: str) -> dict[str, Any]:
    if response.status_code not in (200, 201):
        raise BuildError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json()


def new_tenant(server: gradekit.Server | str, slug: str | None = None) -> Tenant:
    """A new tenant made through the CLI (its admin key) and the API (everything else)."""
    slug = slug or f"t-{uuid.uuid4().hex[:10]}"
    made = cli("create-org", slug, f"Tenant {slug}")
    with client(server, made["admin_key"]) as api:
        venue = _ok(api.post("/v1/venues", json={"name": "Main venue"}), "venue")
        court = _ok(api.post("/v1/resources", json={
            "venue_id": venue["id"], "name": "Court", "kind": "court", "slot_minutes": 60,
            "price_per_slot_cents": 2500, "open_minute": 420, "close_minute": 1320, "max_slots": 3,
        }), "court")
        room = _ok(api.post("/v1/resources", json={
            "venue_id": venue["id"], "name": "Room", "kind": "room", "slot_minutes": 30,
            "price_per_slot_cents": 1000, "open_minute": 480, "close_minute": 1200,
        }), "room")
        alice = _ok(api.post("/v1/customers", json={"email": "alice@example.com", "name": "Alice"}), "alice")
        bob = _ok(api.post("/v1/customers", json={"email": "bob@example.com", "name": "Bob"}), "bob")
        staff = _ok(api.post("/v1/api-keys", json={"name": "staff", "role": "staff"}), "staff key")
        member = _ok(api.post("/v1/api-keys", json={"name": "alice", "role": "member", "customer_id": alice["id"]}),
                     "member key")
    return Tenant(org_id=made["org_id"], slug=slug, admin=made["admin_key"], staff=staff["key"],
                  member=member["key"], venue_id=venue["id"], court_id=court["id"], room_id=room["id"],
                  alice=alice["id"], bob=bob["id"])


def paid_booking(server: gradekit.Server | str, key: str, resource_id: str, day: int, hour: int = 10) -> str:
    """A one-hour booking `day` days ahead at `hour`:00 UTC, held and then confirmed (paid with
    `tok_visa`) through the API with `key` (a member's books as that customer): its id."""
    with client(server, key) as api:
        held = _ok(api.post("/v1/bookings", json={"resource_id": resource_id, "starts_at": future(day, hour),
                                                  "ends_at": future(day, hour + 1)}), "hold")
        _ok(api.post(f"/v1/bookings/{held['id']}/confirm", json={"payment_token": "tok_visa"}), "confirm")
    return held["id"]


def outbox_event(booking_id: str, event_type: str = "booking.confirmed") -> int:
    """The id of the booking's outbox event of that type (what the worker relays and handles)."""
    with pg.connect() as con:
        row = con.execute("SELECT id FROM outbox WHERE aggregate_id = %s AND event_type = %s ORDER BY id LIMIT 1",
                          (booking_id, event_type)).fetchone()
    assert row is not None, f"no {event_type} event in the outbox for booking {booking_id}"
    return row[0]
