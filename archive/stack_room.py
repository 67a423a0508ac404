"""The stack-room log (库房日志, DOMAIN.md §15): only archivists enter the stack room; anyone else
goes in with the approval of a leader (办公室主任 or a bureau leader, picked from the users) and is
logged — who, when in and out, for what, approved by whom. Temperature and humidity are logged
too, typed in or imported from a sensor's CSV; a reading outside the limits raises an alert,
kept on the reading, listed on the stack-room page and written to the trail as an event.

The limits are life-cycle settings (keys below, changed with `archive retention settings`); the
defaults are those of JGJ 25-2010 档案馆建筑设计规范 for paper records: 14–24 °C, 45–60 %RH.

Archivists (Action.FILE) keep the log; the office director, leaders and auditors read it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.arrangement.common import display_names, viewer_of
from archive.clock import CHINA, utcnow
from archive.codes import Role
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.identity import Identity, active_user
from archive.lifecycle_models import LifecycleSetting
from archive.models import User
from archive.policy import Action, Viewer, may, require
from archive.room_models import StackRoomEntry, StackRoomReading
from archive.visibility import MAX_ID

LIMIT_DEFAULTS = {"stack_temperature_min": 14, "stack_temperature_max": 24,
                  "stack_humidity_min": 45, "stack_humidity_max": 60}
APPROVER_ROLES = (Role.OFFICE_DIRECTOR.value, Role.LEADER.value, Role.DIRECTOR.value)
READER_ROLES = {Role.OFFICE_DIRECTOR, Role.LEADER, Role.DIRECTOR}
MAX_ROWS = 10_000  # lines of one sensor CSV
LIST = 200
COLUMNS = {  # sensor CSV headers, Chinese or English
    "time": ("时间", "time", "timestamp", "taken_at", "datetime"),
    "temperature": ("温度", "temperature", "temp", "t"),
    "humidity": ("湿度", "humidity", "rh", "h"),
    "room": ("库房", "room"),
}


# -- who -------------------------------------------------------------------------------------------
def _keeper(session: Session, identity: Identity) -> Viewer:
    viewer = viewer_of(session, identity)
    require(viewer, Action.FILE)
    return viewer


def _reader(session: Session, identity: Identity) -> Viewer:
    viewer = viewer_of(session, identity)
    if viewer.system or may(viewer, Action.FILE) or may(viewer, Action.READ_AUDIT) or viewer.role in READER_ROLES:
        return viewer
    raise Forbidden("the stack-room log is kept by the archivists and read by the office director, leaders, auditors")


def approvers(session: Session, identity: Identity) -> list[dict[str, str]]:
    """The people who may approve a non-archivist's entry, to pick from."""
    _keeper(session, identity)
    rows = session.execute(select(User).where(User.active.is_(True), User.role.in_(APPROVER_ROLES))
                           .order_by(User.role, User.username)).scalars()
    return [{"username": u.username, "name": u.display_name or u.username, "role": u.role} for u in rows]


# -- entries ---------------------------------------------------------------------------------------
def _text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationError(f"the {what} is required")
    if len(text) > limit:
        raise ValidationError(f"the {what} has at most {limit} characters")
    return text


def enter(session: Session, identity: Identity, *, person: str, purpose: str, approved_by: str = "",
          unit: str = "", room: str = "", at: dt.datetime | None = None) -> dict[str, Any]:
    """Log someone going in. `person` is a user name, or the name of someone without an account.
    An archivist needs no approval; anyone else needs a leader's (not their own)."""
    keeper = _keeper(session, identity)
    person, purpose = _text(person, "person", 50), _text(purpose, "purpose", 500)
    unit, room = _text(unit, "unit", 100, required=False), _text(room, "room", 30, required=False)
    account = _account(session, person)
    is_archivist = account is not None and account.role == Role.ARCHIVIST.value
    approver = approved_by.strip()
    if not is_archivist:
        if not approver:
            raise ValidationError("someone other than an archivist enters the stack room only with a leader's approval")
        leader = active_user(session, approver)
        if leader.role not in APPROVER_ROLES:
            raise ValidationError(f"{approver} is not a leader who may approve entry to the stack room")
        if account is not None and leader.username == account.username:
            raise ValidationError("nobody approves their own entry")
    elif approver:
        active_user(session, approver)
    entry = StackRoomEntry(room=room, person_name=(account.display_name or account.username) if account else person,
                           username=account.username if account else "", unit=unit, purpose=purpose,
                           approved_by=approver, recorded_by=keeper.username, entered_at=at or utcnow())
    session.add(entry)
    session.flush()
    audit.record(session, keeper.username, "stackroom.enter", f"stackroom:{entry.id}",
                 {"person": entry.username or entry.person_name, "approved_by": approver, "room": room})
    return entry_row(entry, display_names(session, [approver, entry.recorded_by]))


def _account(session: Session, person: str) -> User | None:
    user = session.execute(select(User).where(User.username == person)).scalar_one_or_none()
    return user if user is not None and user.active else None


def leave(session: Session, identity: Identity, entry_id: int, at: dt.datetime | None = None) -> dict[str, Any]:
    keeper = _keeper(session, identity)
    entry = session.get(StackRoomEntry, entry_id) if 0 < entry_id <= MAX_ID else None
    if entry is None:
        raise NotFound(f"stack-room entry {entry_id} does not exist")
    if entry.left_at is not None:
        raise Conflict(f"stack-room entry {entry_id} already left at {_beijing(entry.left_at)}")
    left = at or utcnow()
    if left < _aware(entry.entered_at):
        raise ValidationError("one leaves after going in")
    entry.left_at = left
    audit.record(session, keeper.username, "stackroom.leave", f"stackroom:{entry.id}", {})
    return entry_row(entry, display_names(session, [entry.approved_by, entry.recorded_by]))


def entry_row(entry: StackRoomEntry, names: dict[str, str]) -> dict[str, Any]:
    return {"id": entry.id, "room": entry.room, "person": entry.person_name, "username": entry.username,
            "unit": entry.unit, "purpose": entry.purpose, "approved_by": entry.approved_by,
            "approver_name": names.get(entry.approved_by, entry.approved_by),
            "recorded_by": names.get(entry.recorded_by, entry.recorded_by),
            "entered_at": _beijing(entry.entered_at), "left_at": _beijing(entry.left_at) if entry.left_at else None}


# -- readings --------------------------------------------------------------------------------------
def limits(session: Session) -> dict[str, float]:
    """The limits in force: the life-cycle settings, else JGJ 25's."""
    out: dict[str, float] = {}
    for key, default in LIMIT_DEFAULTS.items():
        row = session.get(LifecycleSetting, key)
        value = (row.value or {}).get("value") if row is not None else None
        out[key.removeprefix("stack_")] = float(value if isinstance(value, int | float) else default)
    return out


def check(reading: tuple[float, float], bounds: dict[str, float]) -> str:
    """What of a (temperature, humidity) reading is out of the limits, in words; "" when none."""
    temperature, humidity = reading
    problems = []
    if temperature < bounds["temperature_min"]:
        problems.append(f"温度过低 {temperature:g}℃ < {bounds['temperature_min']:g}℃")
    elif temperature > bounds["temperature_max"]:
        problems.append(f"温度过高 {temperature:g}℃ > {bounds['temperature_max']:g}℃")
    if humidity < bounds["humidity_min"]:
        problems.append(f"湿度过低 {humidity:g}% < {bounds['humidity_min']:g}%")
    elif humidity > bounds["humidity_max"]:
        problems.append(f"湿度过高 {humidity:g}% > {bounds['humidity_max']:g}%")
    return "；".join(problems)


def _number(value: object, what: str, low: float, high: float) -> float:
    try:
        number = float(str(value).strip().rstrip("℃°C%").strip())
    except ValueError:
        raise ValidationError(f"the {what} {value!r} is not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(f"the {what} {number:g} is outside {low:g}…{high:g}")
    return number


def parse_time(value: str) -> dt.datetime:
    """A reading's time: ISO 8601 or 'YYYY-MM-DD HH:MM[:SS]', Beijing time unless it says otherwise."""
    text = (value or "").strip().replace("/", "-")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"the time {value!r} reads YYYY-MM-DD HH:MM") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=CHINA)).astimezone(dt.UTC)


def _reading(keeper: Viewer, bounds: dict[str, float], *, temperature: object, humidity: object,
             at: dt.datetime | None, room: str, source: str) -> StackRoomReading:
    """A checked reading, not yet in the catalog (ValidationError when a value is wrong)."""
    taken = at or utcnow()
    if taken > utcnow() + dt.timedelta(minutes=10):
        raise ValidationError("a reading cannot be taken in the future")
    values = (_number(temperature, "temperature", -40, 80), _number(humidity, "humidity", 0, 100))
    return StackRoomReading(room=_text(room, "room", 30, required=False), taken_at=taken, temperature=values[0],
                            humidity=values[1], source=source[:100], alert=check(values, bounds),
                            recorded_by=keeper.username)


def _keep(session: Session, keeper: Viewer, readings: list[StackRoomReading]) -> None:
    """Store the readings; each one out of the limits is an alert event in the trail."""
    session.add_all(readings)
    session.flush()
    for reading in readings:
        if reading.alert:
            audit.record(session, keeper.username, "stackroom.alert", f"stackreading:{reading.id}",
                         {"room": reading.room, "temperature": reading.temperature, "humidity": reading.humidity,
                          "alert": reading.alert})


def record_reading(session: Session, identity: Identity, *, temperature: object, humidity: object,
                   at: dt.datetime | None = None, room: str = "") -> dict[str, Any]:
    """One reading typed in; an alert when it is out of the limits."""
    keeper = _keeper(session, identity)
    reading = _reading(keeper, limits(session), temperature=temperature, humidity=humidity, at=at, room=room,
                       source="manual")
    _keep(session, keeper, [reading])
    audit.record(session, keeper.username, "stackroom.reading", f"stackreading:{reading.id}",
                 {"room": reading.room, "alert": bool(reading.alert)})
    return reading_row(reading)


def import_readings(session: Session, identity: Identity, text: str, *, filename: str = "sensor.csv",
                    room: str = "") -> dict[str, Any]:
    """A sensor's CSV (时间/time, 温度/temperature, 湿度/humidity[, 库房/room]): every good row is
    kept, every bad row listed with its line and why; the batch goes on past bad rows."""
    keeper = _keeper(session, identity)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = _columns(list(reader.fieldnames or []))
    bounds = limits(session)
    kept: list[StackRoomReading] = []
    errors: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append({"line": line, "error": f"at most {MAX_ROWS} rows at a time; the rest was not read"})
            break
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        try:  # rows are checked before anything is stored: a bad row leaves nothing behind
            kept.append(_reading(
                keeper, bounds, temperature=row.get(columns["temperature"]) or "",
                humidity=row.get(columns["humidity"]) or "", at=parse_time(row.get(columns["time"]) or ""),
                room=(row.get(columns["room"]) if columns.get("room") else None) or room, source=f"csv:{filename}"))
        except ValidationError as exc:
            errors.append({"line": line, "error": str(exc)})
    _keep(session, keeper, kept)
    alerts = [reading_row(r) for r in kept if r.alert]
    audit.record(session, keeper.username, "stackroom.import", f"stackroom:{filename[:60]}",
                 {"imported": len(kept), "alerts": len(alerts), "errors": len(errors)})
    return {"imported": len(kept), "alerts": alerts, "errors": errors}


def _columns(names: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        key = (name or "").strip().lower()
        for column, spellings in COLUMNS.items():
            if key in spellings and column not in found:
                found[column] = name
    missing = [c for c in ("time", "temperature", "humidity") if c not in found]
    if missing:
        raise ValidationError(f"the sensor CSV needs the columns 时间/time, 温度/temperature, 湿度/humidity; "
                              f"missing: {', '.join(missing)}")
    return found


def reading_row(reading: StackRoomReading) -> dict[str, Any]:
    return {"id": reading.id, "room": reading.room, "taken_at": _beijing(reading.taken_at),
            "temperature": reading.temperature, "humidity": reading.humidity, "source": reading.source,
            "alert": reading.alert, "recorded_by": reading.recorded_by}


# -- the log ---------------------------------------------------------------------------------------
def log(session: Session, identity: Identity, *, limit: int = LIST) -> dict[str, Any]:
    """The stack-room page: who is inside, recent entries, recent readings, alerts, the limits."""
    viewer = _reader(session, identity)
    limit = min(max(limit, 1), 1000)
    entries = list(session.execute(select(StackRoomEntry).order_by(StackRoomEntry.entered_at.desc(),
                                                                  StackRoomEntry.id.desc()).limit(limit)).scalars())
    readings = list(session.execute(select(StackRoomReading).order_by(StackRoomReading.taken_at.desc(),
                                                                     StackRoomReading.id.desc()).limit(limit)).scalars())
    alerts = list(session.execute(select(StackRoomReading).where(StackRoomReading.alert != "")
                                  .order_by(StackRoomReading.taken_at.desc()).limit(limit)).scalars())
    names = display_names(session, [u for e in entries for u in (e.approved_by, e.recorded_by)])
    audit.record(session, viewer.username, "stackroom.list", "stackroom", {"entries": len(entries)})
    rows = [entry_row(e, names) for e in entries]
    return {"limits": limits(session), "inside": [r for r in rows if r["left_at"] is None], "entries": rows,
            "readings": [reading_row(r) for r in readings], "alerts": [reading_row(r) for r in alerts],
            "may_keep": may(viewer, Action.FILE)}


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC back


def _beijing(moment: dt.datetime) -> str:
    return _aware(moment).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
