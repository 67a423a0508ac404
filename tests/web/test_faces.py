"""One service, three faces: each operation driven through the web page, the JSON API and the CLI
as the same users gives the same outcome (allowed or refused) and the same audit event, which
names the person and the channel. A rule kept by one face only would make a row disagree.

The CLI runs in this process against the same catalog as the web app, acting as the person whose
API token is in ARCHIVE_TOKEN (tests/cli_auth.py), exactly as a script would.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from archive.cli import _load_plugins, main
from archive.db import Catalog
from archive.models import AuditEvent
from tests.cli_auth import token_for
from tests.web.conftest import csrf_token, login

FACES = ("web", "api", "cli")
_serial = itertools.count(1)


@dataclasses.dataclass(frozen=True)
class Op:
    name: str
    action: str  # the audit event every face must write when allowed
    target: Callable[[dict], str]
    web: Callable[[object, dict, int], int]  # (client, ids, n) -> HTTP status
    api: Callable[[object, dict, dict, int], int]  # (client, headers, ids, n) -> HTTP status
    cli: Callable[[dict, int], list[str]]  # (ids, n) -> arguments
    cases: tuple[tuple[str, bool], ...]  # (user, allowed)


def _form(client, path: str, data: dict) -> int:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/dashboard")}).status_code


OPS = [
    Op("view a record", "record.view", lambda ids: f"record:{ids['internal']}",
       web=lambda c, ids, n: c.get(f"/records/{ids['internal']}").status_code,
       api=lambda c, h, ids, n: c.get(f"/api/v1/records/{ids['internal']}", headers=h).status_code,
       cli=lambda ids, n: ["show", str(ids["internal"]), "--json"],
       cases=(("staff", True), ("archivist", True), ("admin", False))),
    Op("view a secret record", "record.view", lambda ids: f"record:{ids['secret']}",
       web=lambda c, ids, n: c.get(f"/records/{ids['secret']}").status_code,
       api=lambda c, h, ids, n: c.get(f"/api/v1/records/{ids['secret']}", headers=h).status_code,
       cli=lambda ids, n: ["show", str(ids["secret"]), "--json"],
       cases=(("archivist", True), ("staff", False), ("auditor", False))),
    Op("search the holdings", "search", lambda ids: "",
       web=lambda c, ids, n: 200 if "J001-WS·2019-D30-" in c.get("/search?q=劳动仲裁").get_data(as_text=True) else 403,
       api=lambda c, h, ids, n: c.get("/api/v1/search?q=劳动仲裁", headers=h).status_code,
       cli=lambda ids, n: ["search", "劳动仲裁", "--json"],
       cases=(("staff", True), ("archivist", True), ("admin", False), ("secofficer", False))),
    Op("correct a record", "record.corrected", lambda ids: f"record:{ids['public']}",
       web=lambda c, ids, n: _form(c, f"/records/{ids['public']}/correct", {"title": f"关于养老保险待遇调整的通知{n}"}),
       api=lambda c, h, ids, n: c.post(f"/api/v1/records/{ids['public']}/corrections", headers=h,
                                       json={"title": f"关于养老保险待遇调整的通知{n}"}).status_code,
       cli=lambda ids, n: ["review", str(ids["public"]), "--set", f"title=关于养老保险待遇调整的通知{n}"],
       cases=(("archivist", True), ("staff", False), ("secofficer", False))),
    Op("place a hold", "hold.place", lambda ids: "hold:",
       web=lambda c, ids, n: _form(c, "/retention/holds", {"reason": f"诉讼{n}", "scope": "record",
                                                            "target": str(ids["internal"])}),
       api=lambda c, h, ids, n: c.post("/api/v1/retention/holds", headers=h, json={
           "reason": f"诉讼{n}", "scope": "record", "target": str(ids["internal"])}).status_code,
       cli=lambda ids, n: ["retention", "hold", "place", "--record", str(ids["internal"]), "--reason", f"诉讼{n}"],
       cases=(("archivist", True), ("staff", False), ("admin", False))),
    Op("add an account", "user.add", lambda ids: "user:",
       web=lambda c, ids, n: _form(c, "/admin/users", {"username": f"web{n}", "role": "staff", "display_name": ""}),
       api=lambda c, h, ids, n: c.post("/api/v1/users", headers=h, json={"username": f"api{n}", "role": "staff"}
                                       ).status_code,
       cli=lambda ids, n: ["user", "add", f"cli{n}", "--role", "staff"],
       cases=(("admin", True), ("secofficer", False), ("archivist", False))),
    Op("set a clearance", "user.clearance", lambda ids: "user:staff",
       web=lambda c, ids, n: _form(c, "/admin/users/staff/clearance", {"clearance": "internal"}),
       api=lambda c, h, ids, n: c.post("/api/v1/users/staff/clearance", headers=h, json={"clearance": "internal"}
                                       ).status_code,
       cli=lambda ids, n: ["user", "clearance", "staff", "internal"],
       cases=(("secofficer", True), ("admin", False), ("archivist", False))),
]


def _events(site, action: str, target_prefix: str) -> list[AuditEvent]:
    catalog = Catalog(site["settings"].database_url)
    try:
        with catalog.session() as s:
            return list(s.scalars(select(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.target.startswith(target_prefix)).order_by(AuditEvent.seq)))
    finally:
        catalog.dispose()


def _head(site) -> int:
    catalog = Catalog(site["settings"].database_url)
    try:
        with catalog.session() as s:
            return s.scalar(select(func.max(AuditEvent.seq))) or 0
    finally:
        catalog.dispose()


def _drive(face: str, op: Op, user: str, *, site, app, client, capsys, monkeypatch) -> bool:
    ids, n = site["ids"], next(_serial)
    if face == "web":
        client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
        assert login(client, user).status_code == 302
        status = op.web(client, ids, n)
        # A refused form action comes back to its page with the reason as an error message.
        with client.session_transaction() as session:
            errors = [m for kind, m in session.pop("_flashes", []) if kind == "error"]
        return status < 400 and not errors
    if face == "api":
        headers = {"Authorization": f"Bearer {token_for(site['settings'].database_url, user)}"}
        return op.api(app.test_client(), headers, ids, n) < 400
    monkeypatch.setenv("ARCHIVE_HOME", str(site["settings"].home))
    monkeypatch.setenv("ARCHIVE_DATABASE_URL", site["settings"].database_url)
    monkeypatch.setenv("ARCHIVE_TOKEN", token_for(site["settings"].database_url, user))
    _load_plugins()
    try:
        main(op.cli(ids, n))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    capsys.readouterr()
    return code == 0


@pytest.mark.parametrize("op", OPS, ids=[o.name for o in OPS])
def test_every_face_gives_the_same_outcome_and_audit_event(op, site, app, client, capsys, monkeypatch):
    for user, allowed in op.cases:
        outcomes = {}
        for face in FACES:
            before = _head(site)
            outcomes[face] = _drive(face, op, user, site=site, app=app, client=client, capsys=capsys,
                                    monkeypatch=monkeypatch)
            new = [e for e in _events(site, op.action, op.target(site["ids"])) if e.seq > before]
            if outcomes[face]:
                assert len(new) == 1, (op.name, user, face, [(e.action, e.target) for e in new])
                assert new[0].actor == user and new[0].details.get("channel") == face, (op.name, face, new[0].details)
            else:
                assert new == [], (op.name, user, face)
        assert outcomes == dict.fromkeys(FACES, allowed), (op.name, user, outcomes)
