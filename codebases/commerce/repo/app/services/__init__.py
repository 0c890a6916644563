"""Business logic. Services work inside the caller's transaction and never commit on their own:
the router (or the worker's job) commits through `ServiceContext.commit()`, which then runs the
after-commit hooks (cache invalidation, metrics)."""
