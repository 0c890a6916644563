"""The background worker: `python -m app.worker` (`--burst` to stop once there is no work).

One process: it takes jobs from the Redis queue one at a time and runs the periodic tasks
(outbox relay, reservation expiry, sweeps) between them. SIGTERM or SIGINT stops it
gracefully: the job in hand is finished and acknowledged, nothing new is taken, and the
process exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid

import httpx

from . import __version__
from .clock import Clock, system_clock
from .context import job_id_var
from .db import make_engine, make_sessionmaker
from .jobs import handlers as _handlers  # noqa: F401  (importing it registers the handlers)
from .jobs.periodic import run_due, schedule
from .jobs.queue import Job, JobQueue
from .jobs.registry import HANDLERS, JobContext, PermanentJobError

assert _handlers  # the handlers register themselves when imported
from .logging_setup import configure_logging
from .redis_client import make_redis
from .settings import Settings, get_settings

log = logging.getLogger("app.worker")


def retry_delay(attempts: int) -> float:
    """Seconds before a failed job runs again: 1, 2, 4, 8... capped at 5 minutes."""
    return float(min(300, 2 ** attempts))


class Worker:
    def __init__(self, settings: Settings | None = None, clock: Clock | None = None, worker_id: str | None = None,
                 http: httpx.Client | None = None) -> None:
        self.settings = settings or get_settings()
        self.clock = clock or system_clock
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.engine = make_engine(self.settings.with_overrides(db_pool_size=2, db_max_overflow=2))
        # blocking reads wait up to the poll interval: the socket must wait longer than that
        self.redis = make_redis(self.settings.with_overrides(
            redis_socket_timeout_seconds=self.settings.worker_poll_seconds + 5))
        self.queue = JobQueue(self.redis, self.settings.queue_name, self.clock)
        self.jc = JobContext(settings=self.settings, clock=self.clock, sessionmaker=make_sessionmaker(self.engine),
                             redis=self.redis, queue=self.queue,
                             http=http or httpx.Client(timeout=self.settings.webhook_timeout_seconds))
        self.periodic = schedule(self.jc)
        self.stopping = threading.Event()
        self.processed = 0

    # --- lifecycle --------------------------------------------------------------------------

    def request_stop(self, signum: int | None = None, frame=None) -> None:
        if not self.stopping.is_set():
            log.info("worker stopping", extra={"signal": signum, "worker": self.worker_id})
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)

    def close(self) -> None:
        self.jc.http.close()
        self.redis.close()
        self.engine.dispose()

    def run(self, *, burst: bool = False) -> int:
        log.info("worker started", extra={"worker": self.worker_id, "version": __version__, "burst": burst})
        self.queue.register(self.worker_id, self.settings.worker_heartbeat_ttl_seconds)
        self.queue.recover_orphans()
        failures = 0
        try:
            while not self.stopping.is_set():
                try:
                    if burst:
                        self.drain()
                        break
                    self.tick()
                    failures = 0
                except Exception as exc:  # Redis or PostgreSQL away: wait, then try again
                    failures += 1
                    delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                    log.error("worker loop failed; retrying", extra={"error": repr(exc), "delay": delay})
                    self.stopping.wait(delay)
        finally:
            try:
                self.queue.unregister(self.worker_id)
            except Exception:
                log.warning("could not unregister the worker", exc_info=True)
            log.info("worker stopped", extra={"worker": self.worker_id, "processed": self.processed})
        return 0

    def tick(self) -> None:
        """One turn of the loop: heartbeat, due periodic tasks, due delayed jobs, one job (or a
        wait of up to the poll interval for one)."""
        self.queue.heartbeat(self.worker_id, self.settings.worker_heartbeat_ttl_seconds)
        run_due(self.jc, self.periodic)
        self.queue.promote_due()
        job = self.queue.reserve(self.worker_id, timeout=self.settings.worker_poll_seconds)
        if job is not None:
            self.process(job)

    def drain(self, max_passes: int = 50) -> int:
        """Work until there is nothing left to do now (every periodic task finds nothing and no
        job is ready or due) or a stop was requested; the work done (tests, `--burst`)."""
        total = 0
        for _ in range(max_passes):
            work = self.drain_once()
            total += work
            if work == 0 or self.stopping.is_set():
                break
        return total

    def drain_once(self, max_jobs: int = 10_000) -> int:
        """Run every periodic task now, then every ready (and due) job, until the queue is empty
        or a stop was requested; the work done."""
        work = run_due(self.jc, self.periodic, force=True)
        done = 0
        while done < max_jobs and not self.stopping.is_set():
            self.queue.promote_due()
            job = self.queue.reserve(self.worker_id, timeout=0)
            if job is None:
                break
            self.process(job)
            done += 1
        return work + done

    # --- jobs -------------------------------------------------------------------------------

    def process(self, job: Job) -> None:
        token = job_id_var.set(job.id)
        started = time.perf_counter()
        try:
            fn = HANDLERS.get(job.name)
            if fn is None:
                log.error("no handler for job", extra={"job": job.name})
                self.queue.bury(self.worker_id, job, f"no handler for {job.name}")
                return
            try:
                result = fn(self.jc, **job.args)
            except PermanentJobError as exc:
                log.warning("job failed permanently", extra={"job": job.name, "error": str(exc)})
                self.queue.bury(self.worker_id, job, str(exc))
                return
            except Exception as exc:
                if job.attempts + 1 >= self.settings.job_max_attempts:
                    log.error("job failed; giving up", extra={"job": job.name, "attempts": job.attempts + 1},
                              exc_info=True)
                    self.queue.bury(self.worker_id, job, "".join(traceback.format_exception_only(exc)).strip())
                else:
                    delay = retry_delay(job.attempts)
                    log.warning("job failed; will retry", extra={"job": job.name, "attempts": job.attempts + 1,
                                                                 "delay": delay, "error": repr(exc)})
                    self.queue.retry(self.worker_id, job, delay)
                return
            self.queue.ack(self.worker_id, job)
            self.processed += 1
            log.info("job done", extra={"job": job.name, "result": result,
                                        "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
        finally:
            job_id_var.reset(token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--burst", action="store_true", help="exit once there is no work left")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level, service="commerce-worker")
    worker = Worker(settings)
    worker.install_signal_handlers()
    try:
        return worker.run(burst=args.burst)
    finally:
        worker.close()


if __name__ == "__main__":
    sys.exit(main())
