"""Access token for a desk served beyond this machine (``eventdesk serve --host 0.0.0.0``).

Why: the store holds an analyst's collected articles and working data. On the default loopback
address only this machine's users can reach it; once bound to another address, anyone on the
network could. So a non-loopback host requires a token (``$EVENTDESK_TOKEN`` or ``--token``), and
every request must carry it:

- ``Authorization: Bearer TOKEN`` (scripts, ``curl -H``), or
- ``?token=TOKEN`` on any URL, which also sets an HttpOnly, SameSite=Strict cookie so that the
  web page's own API calls carry it without the token ever reaching page scripts.

Tokens are compared in constant time. The check is plain ASGI middleware, so it runs before any
route and refuses every path (``/``, ``/static``, ``/api/docs``) alike.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from ..errors import UsageError

TOKEN_ENV = "EVENTDESK_TOKEN"
COOKIE = "eventdesk_token"
MIN_TOKEN_CHARS = 16
# Characters safe in a header, a query string and a cookie value without any quoting.
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]+")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def resolve_token(host: str, token: str | None = None) -> str | None:
    """The token the server must require on ``host``: ``token``, else ``$EVENTDESK_TOKEN``.

    Raises :class:`UsageError` for a non-loopback host without a token, or a token too short
    to resist guessing. On loopback a token is optional (used when given).
    """
    token = token or os.environ.get(TOKEN_ENV) or None
    if token is None:
        if is_loopback(host):
            return None
        raise UsageError(
            f"--host {host} opens the store to the network and needs an access token",
            hint=f"set {TOKEN_ENV} (e.g. {TOKEN_ENV}=$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(24))')) or keep the default --host 127.0.0.1",
        )
    if not _TOKEN_CHARS.fullmatch(token):
        raise UsageError(
            "the access token may only hold letters, digits and - _ . ~ + / =",
            hint="make one with: python -c 'import secrets; print(secrets.token_urlsafe(24))'",
        )
    if len(token) < MIN_TOKEN_CHARS:
        raise UsageError(
            f"the access token has {len(token)} characters; it needs at least {MIN_TOKEN_CHARS}",
            hint="make one with: python -c 'import secrets; print(secrets.token_urlsafe(24))'",
        )
    return token


class TokenGate:
    """ASGI middleware: pass requests carrying ``token``; answer 401 to the rest."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._token = token.encode()

    def _matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate.encode(), self._token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan events carry no request
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_query = (query.get("token") or [None])[0]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except CookieError:  # a junk Cookie header carries no token
            cookie = SimpleCookie()
        from_cookie = cookie[COOKIE].value if COOKIE in cookie else None
        if not (self._matches(bearer) or self._matches(from_query)
                or self._matches(from_cookie)):
            await _refuse(send)
            return
        if not self._matches(from_query):
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                value = (f"{COOKIE}={self._token.decode()}; HttpOnly; SameSite=Strict; "
                         "Path=/")
                message["headers"] = [*message.get("headers", []),
                                      (b"set-cookie", value.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _refuse(send: Send) -> None:
    body = json.dumps({
        "error": "[E021] this desk needs an access token (send 'Authorization: Bearer TOKEN' "
                 "or open it once with ?token=TOKEN)"
    }).encode()
    await send({
        "type": "http.response.start",
        "status": 401,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer realm="eventdesk"'),
        ],
    })
    await send({"type": "http.response.body", "body": body})


def protect(app: Any, token: str | None) -> Any:
    """``app`` behind the token gate, or ``app`` itself when no token is required."""
    return app if token is None else TokenGate(app, token)
