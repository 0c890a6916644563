"""What hidden tests of the `helpdesk` codebase (Django + DRF) share beside gradekit: start the
service (migrations, seed, gunicorn, the worker) as its own processes, talk to it as a member of
a seeded organisation, and play its webhook receivers. `helpdeskkit.fixtures` is the pytest
plugin most suites load."""

from .client import Api, api
from .fakes import Receiver
from .service import (ADMIN_TOKEN, Seed, env, json_lines, migrate, reset, run_worker_once, seed, serve, setup,
                      start_worker, wait_for_log)

__all__ = ["ADMIN_TOKEN", "Api", "Receiver", "Seed", "api", "env", "json_lines", "migrate", "reset",
           "run_worker_once", "seed", "serve", "setup", "start_worker", "wait_for_log"]
