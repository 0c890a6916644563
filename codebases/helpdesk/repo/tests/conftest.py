"""Test setup: a real PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), the app in-process
(DRF's APIClient). The schema is built once per run by the migrations; every test starts from
empty tables and an empty Redis database, and its transactions really commit (so on_commit
cache invalidation runs as in production)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("ADMIN_TOKEN", "test-admin-token")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("REDIS_KEY_PREFIX", "hdtest:")

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts import tokens  # noqa: E402
from accounts.models import Member, Organization, Role  # noqa: E402
from core import redis_client  # noqa: E402

ADMIN_TOKEN = os.environ["ADMIN_TOKEN"]


def drop_all_tables() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        names = [row[0] for row in cur.fetchall()]
        if names:
            cur.execute("DROP TABLE " + ", ".join(f'"{n}"' for n in names) + " CASCADE")


def app_tables() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'django_migrations'")
        return [row[0] for row in cur.fetchall()]


@pytest.fixture(scope="session", autouse=True)
def schema() -> list[str]:
    drop_all_tables()
    call_command("migrate", verbosity=0)
    return app_tables()


def flush_redis() -> None:
    r = redis_client.client()
    keys = list(r.scan_iter(match=redis_client.key("*"), count=1000))
    if keys:
        r.delete(*keys)


@pytest.fixture(autouse=True)
def clean(schema: list[str]):
    """Empty tables and this suite's Redis keys before each test."""
    with connection.cursor() as cur:
        cur.execute("TRUNCATE " + ", ".join(schema) + " RESTART IDENTITY CASCADE")
    flush_redis()
    yield


@dataclass
class Org:
    """An organisation with an admin, an agent and two customers, each with a client."""

    org: Organization
    members: dict[str, Member]
    clients: dict[str, APIClient] = field(default_factory=dict)

    def __getattr__(self, role: str) -> APIClient:
        try:
            return self.clients[role]
        except KeyError:
            raise AttributeError(role) from None

    def id_of(self, role: str) -> int:
        return self.members[role].id


def client_with(token: str | None = None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def make_org(slug: str) -> Org:
    org = Organization.objects.create(slug=slug, name=slug.title())
    people = {
        "admin": Member.objects.create(org=org, email=f"admin@{slug}.test", name="Admin", role=Role.ADMIN),
        "agent": Member.objects.create(org=org, email=f"agent@{slug}.test", name="Agent", role=Role.AGENT),
        "customer": Member.objects.create(org=org, email=f"c1@{slug}.test", name="Carol", role=Role.CUSTOMER,
                                          company="Carol Co"),
        "customer2": Member.objects.create(org=org, email=f"c2@{slug}.test", name="Dan", role=Role.CUSTOMER),
    }
    made = Org(org, people)
    for role, member in people.items():
        made.clients[role] = client_with(tokens.issue(member)[1])
    return made


@pytest.fixture
def acme() -> Org:
    return make_org("acme")


@pytest.fixture
def globex() -> Org:
    return make_org("globex")


def new_ticket(client: APIClient, subject: str = "Printer on fire", **extra) -> dict:
    response = client.post("/v1/tickets", {"subject": subject, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()
