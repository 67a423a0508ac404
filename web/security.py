"""Headers and limits every response gets: CSP without inline scripts, cookie flags, login
throttle, the proxies whose X-Forwarded-* headers are believed, safe redirect targets."""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import deque
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint == "static":
        response.headers["Cache-Control"] = "public, max-age=3600"  # CSS, app.js, htmx: same for everyone
    else:
        # Record pages and scans must not linger in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def configure_cookies(app: Flask, *, secure: bool) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="archive_session",
        PERMANENT_SESSION_LIFETIME=8 * 3600,  # one working day
    )


class RateLimiter:
    """At most `limit` failed attempts per key in a sliding `window` (seconds); in-process, per worker.

    Only failures count, so a whole office behind one address can still log in in the morning.
    The account lockout in archive.users protects each account across processes; this slows
    password spraying from one address over many accounts.
    """

    def __init__(self, limit: int = 10, window: float = 60.0):
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._hits) > 10_000:  # bound memory under a flood of addresses
                self._hits = {k: v for k, v in self._hits.items() if v}

    def forget(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class LoginLimiter:
    """Failed logins, counted per address (password spraying from one machine) and per account
    name. The catalog locks a real account after `account_limit` failures across processes; the
    count per name here gives an unknown name the same "locked" answer after as many failures,
    so the lock does not tell which names exist."""

    def __init__(self, *, address_limit: int = 10, address_window: float = 60.0,
                 account_limit: int = 5, account_window: float = 15 * 60.0):
        self.addresses = RateLimiter(address_limit, address_window)
        self.accounts = RateLimiter(account_limit, account_window)

    def blocked(self, address: str) -> bool:
        return self.addresses.blocked(address)

    def failed(self, address: str, account: str = "") -> None:
        self.addresses.failed(address)
        if account:
            self.accounts.failed(account.casefold())

    def account_locked(self, account: str) -> bool:
        return self.accounts.blocked(account.casefold())

    def succeeded(self, account: str) -> None:
        self.accounts.forget(account.casefold())

    def reset(self) -> None:
        self.addresses.reset()
        self.accounts.reset()


def trust_proxies(app: Flask, hops: int) -> None:
    """Believe X-Forwarded-For/-Proto/-Host/-Port from `hops` reverse proxies (ARCHIVE_TRUSTED_PROXIES).
    With none (the default) the client's own address counts, so a forged header neither hides a
    guesser from the login throttle nor forges the origin in the audit trail."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]


def safe_next(target: str | None) -> str | None:
    """`target` as a local path ('/...') the browser will read the same way, else None.

    Browsers drop tabs and newlines anywhere in a URL, strip control characters and spaces at its
    ends and read a backslash as '/', so `/%09/evil.com` and `/%5Cevil.com` lead to //evil.com,
    another site. The target is normalised the browser's way first, then only a path that starts
    with exactly one '/' and names no scheme or host is allowed; a target with a control or space
    character left inside is refused rather than repaired."""
    if not target:
        return None
    text = "".join(c for c in target if c not in "\t\n\r").strip("".join(map(chr, range(33))))
    text = text.replace("\\", "/")
    if not text.startswith("/") or text.startswith("//"):
        return None
    if any(unicodedata.category(c)[0] in "CZ" for c in text):
        return None
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return None
    return text
