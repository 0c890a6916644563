"""JSON log lines, one object per line, with the current request's id when there is one."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from . import context

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
SECRET_FIELDS = {"authorization", "token", "secret", "password", "api_key"}


def redact(value: object) -> object:
    """Secrets never reach a log line, whatever structure they are nested in."""
    if isinstance(value, dict):
        return {k: ("[redacted]" if k.lower() in SECRET_FIELDS else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = context.request_id.get()
        if rid:
            data["request_id"] = rid
        org = context.org_id.get()
        if org:
            data["org_id"] = org
        for name, value in vars(record).items():
            if name not in _STANDARD and not name.startswith("_"):
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(redact(data), default=str)
