"""DRF authentication with `Authorization: Bearer hd_...`: request.user is the Member,
request.auth the ApiToken."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from . import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        if scheme != self.keyword or not raw.strip():
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        token = tokens.verify(raw.strip())
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        return token.member, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="helpdesk"'
