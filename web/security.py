"""Headers and limits every response gets: CSP without inline scripts, cookie flags, login throttle."""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, Response, request

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

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
