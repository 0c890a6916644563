"""The background worker: sends due webhook deliveries and escalates breached tickets, in a
loop until SIGTERM / SIGINT (it finishes the delivery in hand, then exits 0), or once
(`--once`: until there is no due work, then exit)."""

from __future__ import annotations

import logging
import signal
import threading

from django.db import close_old_connections

log = logging.getLogger("helpdesk.worker")


class Worker:
    def __init__(self, poll_seconds: float, batch: int) -> None:
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.stopping = threading.Event()

    def install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop())

    def stop(self) -> None:
        if not self.stopping.is_set():
            log.info("worker stopping")
        self.stopping.set()

    def tick(self) -> int:
        """One round of work; how many things were done."""
        from hooks.delivery import send_due
        from tickets.escalation import escalate_due

        close_old_connections()
        return escalate_due() + send_due(self.batch)

    def run(self) -> None:
        log.info("worker started", extra={"poll_seconds": self.poll_seconds})
        while not self.stopping.is_set():
            try:
                worked = self.tick()
            except Exception:  # noqa: BLE001 - one bad round must not end the worker
                log.exception("worker round failed")
                worked = 0
            if not worked:
                self.stopping.wait(self.poll_seconds)
        log.info("worker stopped")

    def run_once(self) -> int:
        total = 0
        while True:
            worked = self.tick()
            total += worked
            if not worked:
                return total
