"""Request counters and latency sums per route template and status, kept in Redis so that every
server process reports the same totals on /metrics (Prometheus text format)."""

from __future__ import annotations

import logging

from . import redis_client

log = logging.getLogger(__name__)
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def record(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request (best effort: metrics never fail a request)."""
    labels = f"{method}|{route}|{status}"
    try:
        r = redis_client.client()
        pipe = r.pipeline(transaction=False)
        pipe.hincrby(redis_client.key("metrics", "requests"), labels, 1)
        pipe.hincrbyfloat(redis_client.key("metrics", "seconds"), labels, seconds)
        for bound in BUCKETS:
            if seconds <= bound:
                pipe.hincrby(redis_client.key("metrics", "bucket"), f"{method}|{route}|{bound}", 1)
        pipe.execute()
    except Exception:  # noqa: BLE001 - a metrics outage is logged, not raised
        log.warning("metrics not recorded", exc_info=True)


def _labels(raw: str) -> dict[str, str]:
    method, route, status = raw.split("|")
    return {"method": method, "route": route, "status": status}


def _format(labels: dict[str, str]) -> str:
    return ",".join(f'{k}="{v}"' for k, v in labels.items())


def render() -> str:
    """The counters as Prometheus text."""
    r = redis_client.client()
    lines = ["# TYPE helpdesk_http_requests_total counter"]
    for raw, count in sorted(r.hgetall(redis_client.key("metrics", "requests")).items()):
        lines.append(f"helpdesk_http_requests_total{{{_format(_labels(raw))}}} {count}")
    lines.append("# TYPE helpdesk_http_request_seconds_sum counter")
    for raw, total in sorted(r.hgetall(redis_client.key("metrics", "seconds")).items()):
        lines.append(f"helpdesk_http_request_seconds_sum{{{_format(_labels(raw))}}} {float(total):.6f}")
    lines.append("# TYPE helpdesk_http_request_seconds_bucket counter")
    for raw, count in sorted(r.hgetall(redis_client.key("metrics", "bucket")).items()):
        method, route, bound = raw.split("|")
        lines.append(f'helpdesk_http_request_seconds_bucket{{method="{method}",route="{route}",le="{bound}"}} {count}')
    return "\n".join(lines) + "\n"
