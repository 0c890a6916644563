"""Operations commands: `python -m app.cli <command>`.

    init-db                      bring the schema to the latest migration (alembic upgrade head)
    seed [--tenants N ...]       deterministic demo data; prints tenants and API keys as JSON
    create-tenant SLUG NAME      a tenant with an admin API key (printed once)
    queue                        sizes of the job queue
"""

from __future__ import annotations

import argparse
import json
import sys

from .settings import get_settings


def cmd_init_db(args: argparse.Namespace) -> int:
    from .migrations import upgrade

    upgrade(args.revision)
    print(json.dumps({"migrated_to": args.revision}))
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from .db import session_scope
    from .seed import AlreadySeeded, SeedOptions, seed

    options = SeedOptions(tenants=args.tenants, products=args.products, customers=args.customers,
                          orders=args.orders, seed=args.seed, rate_limit_per_minute=args.rate_limit)
    try:
        with session_scope() as session:
            tenants = seed(session, get_settings(), options)
    except AlreadySeeded as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"seed": args.seed, "tenants": [t.as_dict() for t in tenants]}, indent=2))
    return 0


def cmd_create_tenant(args: argparse.Namespace) -> int:
    from .db import session_scope
    from .errors import AppError
    from .schemas.tenancy import TenantCreate
    from .services.tenants import TenantService

    try:
        with session_scope() as session:
            tenant, key = TenantService(session, get_settings()).create(
                TenantCreate(slug=args.slug, name=args.name, tax_rate_bp=args.tax_rate_bp))
            out = {"id": tenant.id, "slug": tenant.slug, "admin_api_key": key}
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    from .jobs.queue import JobQueue
    from .redis_client import make_redis

    settings = get_settings()
    print(json.dumps(JobQueue(make_redis(settings), settings.queue_name).sizes()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.cli", description="Commerce operations commands")
    sub = parser.add_subparsers(dest="command", required=True)

    init_db = sub.add_parser("init-db", help="run the migrations (alembic upgrade)")
    init_db.add_argument("--revision", default="head")
    init_db.set_defaults(fn=cmd_init_db)

    seed = sub.add_parser("seed", help="deterministic demo data")
    seed.add_argument("--tenants", type=int, default=2)
    seed.add_argument("--products", type=int, default=40)
    seed.add_argument("--customers", type=int, default=60)
    seed.add_argument("--orders", type=int, default=200)
    seed.add_argument("--seed", type=int, default=42)
    seed.add_argument("--rate-limit", type=int, default=600, help="requests per minute per API key")
    seed.set_defaults(fn=cmd_seed)

    create = sub.add_parser("create-tenant", help="a tenant and its first admin API key")
    create.add_argument("slug")
    create.add_argument("name")
    create.add_argument("--tax-rate-bp", type=int, default=0)
    create.set_defaults(fn=cmd_create_tenant)

    queue = sub.add_parser("queue", help="job queue sizes")
    queue.set_defaults(fn=cmd_queue)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
