"""The base of every tenant API view: authentication (DRF), the rate limit, the org in the log
context, and the rate-limit headers on every answer."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import context, ratelimit
from .errors import RateLimited


class TenantView(APIView):
    """An API view for a member of an organisation (`request.user` is the Member)."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        member = request.user
        if member is not None:
            context.org_id.set(member.org_id)
        decision = ratelimit.check(request)
        request.rate_limit = decision
        if decision is not None and not decision.allowed:
            raise RateLimited(wait=decision.reset_seconds, detail="Too many requests; slow down.")

    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        decision = getattr(request, "rate_limit", None)
        if decision is not None:
            for name, value in decision.headers().items():
                response[name] = value
        return response

    @property
    def member(self):
        return self.request.user

    @property
    def org_id(self) -> int:
        return self.request.user.org_id
