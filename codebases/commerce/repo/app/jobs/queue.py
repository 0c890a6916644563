"""A reliable job queue on Redis lists.

    <ns>:queue                 ready jobs (LPUSH in, taken from the right: first in, first out)
    <ns>:processing:<worker>   jobs a worker took and has not acknowledged yet
    <ns>:delayed               sorted set of jobs waiting for their time (score: Unix time due)
    <ns>:dead                  jobs that failed too often
    <ns>:workers               the workers that have registered
    <ns>:worker:<worker>       a worker's heartbeat (expires when the worker stops beating)

A worker takes a job with BLMOVE (atomically from the ready list to its own processing list)
and removes it from there only after the job is done (ack). A worker that dies mid-job leaves
the job in its processing list; when its heartbeat has expired another worker puts the job
back in the ready list (`recover_orphans`). Delivery is therefore at least once: handlers are
idempotent.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import redis

from ..clock import Clock, system_clock

log = logging.getLogger("app.jobs.queue")

_PROMOTE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  redis.call('LPUSH', KEYS[2], member)
end
return #due
"""


@dataclass
class Job:
    name: str
    args: dict[str, Any]
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    attempts: int = 0
    enqueued_at: float = 0.0
    raw: str = ""
    """the exact payload as stored in Redis (what LREM needs to find it)"""

    def encode(self) -> str:
        return json.dumps({"id": self.id, "name": self.name, "args": self.args, "attempts": self.attempts,
                           "enqueued_at": self.enqueued_at}, sort_keys=True, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str) -> "Job":
        data = json.loads(raw)
        return cls(name=data["name"], args=data.get("args") or {}, id=data["id"],
                   attempts=int(data.get("attempts", 0)), enqueued_at=float(data.get("enqueued_at", 0)), raw=raw)


class JobQueue:
    def __init__(self, client: redis.Redis, namespace: str = "commerce", clock: Clock = system_clock) -> None:
        self.redis = client
        self.ns = namespace
        self.clock = clock
        self._promote = client.register_script(_PROMOTE)

    # keys
    @property
    def ready_key(self) -> str:
        return f"{self.ns}:queue"

    @property
    def delayed_key(self) -> str:
        return f"{self.ns}:delayed"

    @property
    def dead_key(self) -> str:
        return f"{self.ns}:dead"

    @property
    def workers_key(self) -> str:
        return f"{self.ns}:workers"

    def processing_key(self, worker_id: str) -> str:
        return f"{self.ns}:processing:{worker_id}"

    def heartbeat_key(self, worker_id: str) -> str:
        return f"{self.ns}:worker:{worker_id}"

    # producing
    def enqueue(self, name: str, args: dict[str, Any] | None = None, *, delay: float = 0.0) -> Job:
        job = Job(name=name, args=args or {}, enqueued_at=self.clock())
        raw = job.encode()
        if delay > 0:
            self.redis.zadd(self.delayed_key, {raw: self.clock() + delay})
        else:
            self.redis.lpush(self.ready_key, raw)
        job.raw = raw
        return job

    def promote_due(self, limit: int = 500) -> int:
        """Move delayed jobs whose time has come to the ready list."""
        return int(self._promote(keys=[self.delayed_key, self.ready_key], args=[self.clock(), limit]))

    # consuming
    def reserve(self, worker_id: str, timeout: float = 1.0) -> Job | None:
        """The next job, moved to the worker's processing list; None after `timeout` seconds
        without one (0: do not wait)."""
        if timeout > 0:
            raw = self.redis.blmove(self.ready_key, self.processing_key(worker_id), timeout, "RIGHT", "LEFT")
        else:
            raw = self.redis.lmove(self.ready_key, self.processing_key(worker_id), "RIGHT", "LEFT")
        if raw is None:
            return None
        try:
            return Job.decode(raw)
        except (ValueError, KeyError, TypeError):
            log.error("undecodable job moved to the dead letters", extra={"raw": str(raw)[:200]})
            pipe = self.redis.pipeline(transaction=True)
            pipe.lrem(self.processing_key(worker_id), 1, raw)
            pipe.lpush(self.dead_key, raw)
            pipe.execute()
            return None

    def ack(self, worker_id: str, job: Job) -> None:
        self.redis.lrem(self.processing_key(worker_id), 1, job.raw)

    def retry(self, worker_id: str, job: Job, delay: float) -> None:
        """Done with this attempt: the job comes back after `delay` seconds, attempts + 1."""
        again = Job(name=job.name, args=job.args, id=job.id, attempts=job.attempts + 1,
                    enqueued_at=job.enqueued_at)
        pipe = self.redis.pipeline(transaction=True)
        pipe.lrem(self.processing_key(worker_id), 1, job.raw)
        pipe.zadd(self.delayed_key, {again.encode(): self.clock() + delay})
        pipe.execute()

    def bury(self, worker_id: str, job: Job, error: str) -> None:
        """The job failed for good: keep it in the dead letters for a human."""
        dead = json.dumps({"job": json.loads(job.raw), "error": error[:1000], "failed_at": self.clock()},
                          sort_keys=True)
        pipe = self.redis.pipeline(transaction=True)
        pipe.lrem(self.processing_key(worker_id), 1, job.raw)
        pipe.lpush(self.dead_key, dead)
        pipe.execute()

    # workers
    def register(self, worker_id: str, ttl: int) -> None:
        self.redis.sadd(self.workers_key, worker_id)
        self.heartbeat(worker_id, ttl)

    def heartbeat(self, worker_id: str, ttl: int) -> None:
        self.redis.set(self.heartbeat_key(worker_id), str(time.time()), ex=ttl)

    def unregister(self, worker_id: str) -> None:
        """A worker stopping cleanly: anything still in its processing list goes back."""
        self._requeue_processing(worker_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.srem(self.workers_key, worker_id)
        pipe.delete(self.heartbeat_key(worker_id))
        pipe.execute()

    def recover_orphans(self) -> int:
        """Put back the jobs of workers whose heartbeat expired (they died mid-job)."""
        recovered = 0
        for worker_id in self.redis.smembers(self.workers_key):
            if self.redis.exists(self.heartbeat_key(worker_id)):
                continue
            moved = self._requeue_processing(worker_id)
            self.redis.srem(self.workers_key, worker_id)
            if moved:
                log.warning("recovered jobs of a dead worker", extra={"worker": worker_id, "jobs": moved})
            recovered += moved
        return recovered

    def _requeue_processing(self, worker_id: str) -> int:
        moved = 0
        while self.redis.lmove(self.processing_key(worker_id), self.ready_key, "RIGHT", "RIGHT") is not None:
            moved += 1
        return moved

    # inspection
    def sizes(self) -> dict[str, int]:
        return {"ready": int(self.redis.llen(self.ready_key)), "delayed": int(self.redis.zcard(self.delayed_key)),
                "dead": int(self.redis.llen(self.dead_key))}
