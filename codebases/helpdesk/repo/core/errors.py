"""One error body for every failure: {"error": {"code": ..., "message": ..., "details": ...}}."""

from __future__ import annotations

import logging

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

log = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the resource's current state."


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = "The resource changed since you read it."


class RateLimited(exceptions.Throttled):
    default_code = "rate_limited"


def error(code: str, message: str, http_status: int, details: object = None) -> Response:
    body: dict[str, object] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return Response({"error": body}, status=http_status)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    response = drf_handler(exc, context)
    if response is None:
        log.error("unhandled error", exc_info=exc)
        return error("internal", "Something went wrong on our side.", 500)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"error": {"code": "invalid", "message": "The request is not valid.", "details": exc.detail}}
        response.status_code = 422
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = {"error": {"code": _code(exc), "message": detail}}
    elif response.status_code == 404:
        response.data = {"error": {"code": "not_found", "message": "Not found."}}
    elif response.status_code == 403:
        response.data = {"error": {"code": "forbidden", "message": "You may not do this."}}
    return response
