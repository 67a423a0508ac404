"""The one clock of the system, replaceable in tests (time-travel over decades of records)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

_now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # noqa: E731


def utcnow() -> dt.datetime:
    return _now()


def today() -> dt.date:
    return _now().astimezone(CHINA).date()


CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def set_clock(now: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (tests); None restores the real one."""
    global _now
    _now = now or (lambda: dt.datetime.now(dt.UTC))
