"""The working-day calendar: Chinese public holidays and adjusted working days (调休上班).

A day is a working day Monday to Friday and a rest day on Saturday and Sunday, unless the
calendar table says otherwise: `holiday` (放假, also on a weekday) or `workday` (a weekend day
made a working day by the State Council's notice). The table ships with 2024–2027 from
archive/data/holidays_cn.csv (migration 0023; 2027 provisional until its notice is published)
and the administrator keeps it up to date (`archive calendar import FILE`, `archive calendar set`,
the calendar web page). Statutory time limits count in these working days (archive.disclosure).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from archive import audit
from archive.clock import utcnow
from archive.errors import ValidationError
from archive.identity import Identity, active_user
from archive.models import Base
from archive.policy import Action, Viewer, require

DATA_FILE = Path(__file__).parent / "data" / "holidays_cn.csv"
KINDS = ("holiday", "workday")
KIND_LABELS = {"holiday": ("放假", "holiday"), "workday": ("调休上班", "adjusted working day")}
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_SPAN = 2000  # working days: far beyond any statutory limit; stops a runaway loop


class CalendarDay(Base):
    """One day that differs from the Monday-to-Friday rule."""

    __tablename__ = "workday_calendar"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # holiday | workday
    name: Mapped[str] = mapped_column(String(50), default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# -- reading ---------------------------------------------------------------------------------------
class Calendar:
    """The table's exceptions, read once per computation."""

    def __init__(self, exceptions: dict[dt.date, str], years: set[int], provisional: set[int]):
        self.exceptions, self.years, self.provisional_years = exceptions, years, provisional

    @classmethod
    def load(cls, session: Session) -> Calendar:
        rows = session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.provisional)).all()
        return cls({d: k for d, k, _ in rows}, {d.year for d, _, _ in rows}, {d.year for d, _, p in rows if p})

    def is_workday(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind is not None:
            return kind == "workday"
        return day.weekday() < 5

    def add(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted: 自…之日起, the period
        begins the next day)."""
        if not 0 <= n <= MAX_SPAN:
            raise ValidationError(f"working days must be between 0 and {MAX_SPAN}")
        day, left = start, n
        while left:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_workday(start + dt.timedelta(days=n)))

    def notes(self, *days: dt.date) -> list[str]:
        """What a deadline over these days should warn about: years the calendar lacks or holds provisionally."""
        out = []
        for year in sorted({d.year for d in days}):
            if year not in self.years:
                out.append(f"calendar_missing:{year}")
            elif year in self.provisional_years:
                out.append(f"calendar_provisional:{year}")
        return out


def is_workday(session: Session, day: dt.date) -> bool:
    return Calendar.load(session).is_workday(day)


def add_workdays(session: Session, start: dt.date, n: int) -> dt.date:
    return Calendar.load(session).add(start, n)


def workdays_between(session: Session, start: dt.date, end: dt.date) -> int:
    return Calendar.load(session).between(start, end)


# -- the shipped data and files in the same shape -----------------------------------------------------
def parse_rows(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of a calendar file (date,kind[,name[,source[,provisional]]]; '#' lines are comments),
    and one error per bad line; the good rows are kept."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            if "\x00" in line:
                raise ValidationError("the line holds a NUL character")
            try:
                fields = [f.strip() for f in next(csv.reader([line]), [])]
            except csv.Error as exc:
                raise ValidationError(f"not CSV: {exc}") from None
            if fields and fields[0].lower() in ("date", "日期"):
                continue
            rows.append(_row(fields))
        except ValidationError as exc:
            errors.append(f"line {number}: {exc}")
    return rows, errors


def _row(fields: list[str]) -> dict[str, Any]:
    if len(fields) < 2:
        raise ValidationError("expected date,kind[,name,source,provisional]")
    day = parse_day(fields[0])
    kind = parse_kind(fields[1])
    name = fields[2] if len(fields) > 2 else ""
    source = fields[3] if len(fields) > 3 else ""
    provisional = (fields[4] if len(fields) > 4 else "0").lower() in ("1", "true", "yes", "是", "暂定")
    if len(name) > 50 or len(source) > 100:
        raise ValidationError("name has at most 50 characters, source at most 100")
    return {"day": day, "kind": kind, "name": name, "source": source, "provisional": provisional}


def parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(f"not a date (YYYY-MM-DD): {str(text)[:20]!r}") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(f"the calendar holds the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


def parse_kind(text: str) -> str:
    value = str(text).strip().lower()
    value = {"放假": "holiday", "休息": "holiday", "上班": "workday", "调休上班": "workday"}.get(value, value)
    if value not in KINDS:
        raise ValidationError(f"kind must be holiday or workday, not {str(text)[:20]!r}")
    return value


def shipped_rows() -> list[dict[str, Any]]:
    rows, errors = parse_rows(DATA_FILE.read_text(encoding="utf-8"))
    if errors:  # the shipped file is ours: a bad line is a bug
        raise ValueError("; ".join(errors))
    return rows


# -- the administrator's services ------------------------------------------------------------------
def _admin(session: Session, identity: Identity) -> Viewer:
    viewer = identity.viewer if identity.is_system else Viewer.of(active_user(session, identity.username))
    require(viewer, Action.ADMINISTER)
    return viewer


def _put(session: Session, viewer: Viewer, row: dict[str, Any]) -> str:
    existing = session.get(CalendarDay, row["day"])
    if existing is None:
        session.add(CalendarDay(**row, updated_by=viewer.username, updated_at=utcnow()))
        return "added"
    if (existing.kind, existing.name, existing.source, existing.provisional) == (
            row["kind"], row["name"], row["source"], row["provisional"]):
        return "unchanged"
    existing.kind, existing.name, existing.source = row["kind"], row["name"], row["source"]
    existing.provisional, existing.updated_by, existing.updated_at = row["provisional"], viewer.username, utcnow()
    return "changed"


def import_file(session: Session, identity: Identity, text: str, *, replace_years: bool = False) -> dict[str, Any]:
    """Load a calendar file: each row sets its day; bad lines are listed and skipped.
    `replace_years`: the years in the file are replaced wholly (days not in the file become ordinary)."""
    viewer = _admin(session, identity)
    rows, errors = parse_rows(text)
    removed = 0
    if replace_years and rows:
        years = {r["day"].year for r in rows}
        keep = {r["day"] for r in rows}
        for day in session.execute(select(CalendarDay)).scalars().all():
            if day.day.year in years and day.day not in keep:
                session.delete(day)
                removed += 1
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    for row in rows:
        counts[_put(session, viewer, row)] += 1
    session.flush()
    audit.record(session, viewer.username, "calendar.import", "calendar",
                 {**counts, "removed": removed, "errors": len(errors),
                  "years": sorted({r["day"].year for r in rows})})
    return {**counts, "removed": removed, "errors": errors}


def set_day(session: Session, identity: Identity, day: str | dt.date, kind: str, *, name: str = "",
            source: str = "", provisional: bool = False) -> dict[str, Any]:
    """Set one day as a holiday or an adjusted working day; `kind` 'normal' removes the exception."""
    viewer = _admin(session, identity)
    when = day if isinstance(day, dt.date) else parse_day(day)
    before = session.get(CalendarDay, when)
    previous = before.kind if before is not None else "normal"
    if str(kind).strip().lower() in ("normal", "clear", "默认"):
        if before is not None:
            session.delete(before)
        kind_value = "normal"
    else:
        kind_value = parse_kind(kind)
        if "\x00" in name + source:
            raise ValidationError("name and source hold no NUL characters")
        _put(session, viewer, {"day": when, "kind": kind_value, "name": name.strip()[:50],
                               "source": source.strip()[:100], "provisional": provisional})
    session.flush()
    audit.record(session, viewer.username, "calendar.set", f"calendar:{when.isoformat()}",
                 {"from": previous, "to": kind_value, "name": name[:50]})
    return {"date": when.isoformat(), "kind": kind_value, "previous": previous,
            "workday": Calendar.load(session).is_workday(when)}


def label(kind: str, language: str = "zh") -> str:
    zh, en = KIND_LABELS.get(kind, (kind, kind))
    return en if language == "en" else zh


def year_days(session: Session, identity: Identity, year: int) -> list[dict[str, Any]]:
    """Every exception of a year (any active person may read the calendar: it is public)."""
    if not identity.is_system:
        active_user(session, identity.username)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("year out of range")
    rows = session.execute(select(CalendarDay).where(CalendarDay.day >= dt.date(year, 1, 1),
                                                     CalendarDay.day <= dt.date(year, 12, 31))
                           .order_by(CalendarDay.day)).scalars().all()
    return [{"date": r.day.isoformat(), "weekday": r.day.isoweekday(), "kind": r.kind, "name": r.name,
             "source": r.source, "provisional": r.provisional, "updated_by": r.updated_by} for r in rows]


def export_text(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "kind", "name", "source", "provisional"])
    for r in rows:
        writer.writerow([r["date"], r["kind"], r["name"], r["source"], "1" if r["provisional"] else "0"])
    return out.getvalue()
