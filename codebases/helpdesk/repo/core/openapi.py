"""GET /openapi.json: the API's description, written by hand from the URL patterns so that it
names every route (method, path template, who may call it) and the error body every failure
uses."""

from __future__ import annotations

import re

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {}}}},
}
SECURITY = {"bearer": {"type": "http", "scheme": "bearer", "description": "hd_<prefix>_<secret> API token"}}
PUBLIC = {"/health", "/ready", "/metrics", "/openapi.json", "/admin/organizations", "/v1/invitations/accept"}
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _methods(callback) -> list[str]:
    view = getattr(callback, "view_class", None)
    if view is None:
        return ["get"]
    return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)]


def _parameters(template: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _CONVERTER.findall(template)]


def document() -> dict:
    paths: dict[str, dict] = {}
    for raw, callback in _walk(get_resolver().url_patterns):
        path = "/" + _CONVERTER.sub(r"{\1}", raw)
        operations = {}
        for method in _methods(callback):
            doc = (getattr(getattr(callback, "view_class", None), method, None).__doc__
                   if hasattr(callback, "view_class") else callback.__doc__)
            operation = {
                "summary": (doc or "").strip().splitlines()[0] if doc else "",
                "parameters": _parameters(raw),
                "responses": {"default": {"description": "error",
                                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            }
            if path not in PUBLIC:
                operation["security"] = [{"bearer": []}]
            operations[method] = operation
        paths[path] = operations
    return {
        "openapi": "3.1.0",
        "info": {"title": "Helpdesk API", "version": "1.0"},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": {"Error": ERROR}, "securitySchemes": SECURITY},
    }


def openapi(request: HttpRequest) -> JsonResponse:
    """The API's OpenAPI description."""
    return JsonResponse(document())
