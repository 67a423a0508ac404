"""A small bureau for lending tests: one user per role, records at every level, volumes."""

from __future__ import annotations

from archive.models import Page, User, Volume
from tests.catalog.helpers import make_record, seeded

USERS = [  # name, role, clearance, departments
    ("wang", "staff", "internal", ["YLK"]),
    ("li", "staff", "internal", ["YLK"]),
    ("zhao", "staff", "confidential", ["BGS", "YLK"]),
    ("qian", "staff", "top_secret", ["BGS"]),
    ("head_ylk", "dept_head", "internal", ["YLK"]),
    ("head_bgs", "dept_head", "confidential", ["BGS"]),
    ("office", "office_director", "confidential", []),
    ("leader", "leader", "confidential", []),
    ("director", "director", "top_secret", []),
    ("arch", "archivist", "top_secret", []),
    ("arch2", "archivist", "top_secret", []),
    ("aud", "auditor", "confidential", []),
    ("admin", "sysadmin", "top_secret", []),
    ("sec", "security_officer", "internal", []),
]


def add_users(session) -> None:
    for name, role, clearance, departments in USERS:
        session.add(User(username=name, display_name=f"用户{name}", role=role, clearance=clearance,
                         departments=departments, categories=[]))
    session.flush()


def make_volume(session, fonds, code: str, *, secrecy="internal", department="YLK", pages=20, category="WS",
                title=None) -> Volume:
    volume = Volume(fonds_id=fonds.id, category_code=category, year=2018, retention="D30", volume_no=1,
                    archival_code=code, title=title or f"卷{code}", department=department, secrecy=secrecy, pages=pages)
    session.add(volume)
    session.flush()
    return volume


def world(session) -> dict:
    """Users, and for each level one record (dept YLK for public/internal, BGS above) and one volume."""
    fonds = seeded(session)
    add_users(session)
    out = {"fonds": fonds, "records": {}, "volumes": {}}
    for n, level in enumerate(["public", "internal", "secret", "confidential", "top_secret"]):
        dept = "YLK" if level in ("public", "internal") else "BGS"
        volume = make_volume(session, fonds, f"J001-WS·2018-D30-{n:03d}", secrecy=level, department=dept,
                             title=f"VOLTITLE-{level}")
        record = make_record(session, fonds, secrecy=level, department=dept, title=f"TITLE-{level}",
                             archival_code=f"J001-WS·2018-D30-{n + 1:04d}", volume_id=volume.id, pages=2)
        session.add(Page(record_id=record.id, page_no=1))
        out["records"][level] = record.id
        out["volumes"][level] = volume.id
    session.flush()
    return out


def who(session, username: str, channel: str = "cli"):
    """The acting identity of a user, resolved as every face resolves it (archive.identity)."""
    from archive.identity import resolve

    return resolve(session, username, channel=channel)
