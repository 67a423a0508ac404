"""Clearance as a property of the whole web app (DOMAIN.md §4, ARCHITECTURE "Security is enforced
below the web layer"): no page, API answer or export shows a user a record, a title, a code or a
snippet above their clearance, and an above-clearance id is refused like a missing one.

Records, volumes, holds, loan requests, an appraisal batch, a stock check and audit events are
seeded at every secrecy level, each carrying a marker string unique to its level. Every GET route
of the app is requested (enumerated from app.url_map, so a new route is covered as soon as it
exists) by users of every role at several clearances, through the session and through the API;
no body may contain the marker of a level that archive.policy.can_see refuses that user.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import types

import openpyxl
import pytest
from sqlalchemy import select

from archive import audit, record_links, seed, tokens, users
from archive.codes import Role
from archive.config import load_settings
from archive.db import Catalog
from archive.identity import resolve
from archive.lending import inventory, requests, transfers
from archive.models import Box, Fonds, Location, Page, Record, Volume
from archive.policy import Viewer, can_see
from retention import appraisal, holds
from tests.web.conftest import login
from tests.web.site import PASSWORD
from web.app import create_app

LEVELS = ("public", "internal", "secret", "confidential", "top_secret")
MARK = {level: f"QZV{n}{level[:3].upper()}Q" for n, level in enumerate(LEVELS)}  # no marker contains another
ROOM = "9"

# Every role at a middle clearance, and the ends of the scale where they make sense.
USERS = {f"{role.value}_{clearance}": (role.value, clearance)
         for role in Role for clearance in ("internal", "confidential")}
USERS |= {"staff_public": ("staff", "public"), "archivist_top": ("archivist", "top_secret"),
          "director_top": ("director", "top_secret"), "auditor_top": ("auditor", "top_secret"),
          "requester_top": ("staff", "top_secret"), "appraiser_a": ("appraiser", "top_secret"),
          "appraiser_b": ("appraiser", "top_secret"), "appraiser_c": ("appraiser", "top_secret")}
# Scope as well as clearance: cleared for everything but scoped to social insurance, these users
# may see none of the seeded 文书 (WS) items, whatever their level.
SCOPES = {"staff_sb_top": ["SB"], "archivist_sb_top": ["SB"]}
USERS |= {"staff_sb_top": ("staff", "top_secret"), "archivist_sb_top": ("archivist", "top_secret")}

# How to fill the path parameters of GET routes. A new parameter name fails test_every_route_is_covered
# until it is added here, so no route escapes the sweep.
PARAMS = ("record_id", "volume_id", "box_id", "request_id", "page_no", "check_id", "batch_id", "register_id", "kind",
          "fmt", "serial", "review_id")
FORMATS = ("pdf", "xlsx")  # <fmt> of printouts and registers
REGISTER_KINDS = ("loans", "consultation", "inout", "overdue")
# Every format a route answers in: PDFs and workbooks are read back as text (body_text) before the
# markers are looked for, so a printout or an export cannot show what the page hides.
VARIANTS = {"/retention/report": ("?format=csv", "?format=xlsx", "?format=pdf"),
            "/api/v1/retention/report": ("", "?format=csv", "?format=xlsx", "?format=pdf"),
            "/loans/registers/<kind>": ("?format=csv", "?format=xlsx", "?format=pdf"),
            "/api/v1/loans/registers/<kind>": ("?format=csv", "?format=xlsx", "?format=pdf"),
            "/search": ("", "?q=QZV"), "/api/v1/search": ("?q=QZV",)}
SKIP = {"static", "auth.logout"}


def _seed(home, template) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, home / "catalog.db")
    settings = load_settings({"ARCHIVE_HOME": str(home)})
    catalog = Catalog(settings.database_url)
    ids: dict = {"record": {}, "volume": {}, "box": {}, "request": {}}
    with catalog.session() as s:
        seed.seed_defaults(s, "test")
        for name, (role, clearance) in USERS.items():
            users.add_user(s, actor="test", username=name, role=role, clearance=clearance, password=PASSWORD,
                           categories=SCOPES.get(name))
        fonds = s.execute(select(Fonds).where(Fonds.code == "J001")).scalar_one()
        shelf = Location(path=f"{ROOM}-01-01-1-1", room=ROOM, row="01", column="01", section="1", layer="1")
        s.add(shelf)
        s.flush()
        for n, level in enumerate(LEVELS, 1):
            mark = MARK[level]
            volume = Volume(fonds_id=fonds.id, category_code="WS", year=2001, retention="D10", volume_no=90 + n,
                            archival_code=f"J001-WS·2001-D10-{mark}V", title=f"{mark}案卷", secrecy=level,
                            location_id=shelf.id)
            s.add(volume)
            s.flush()
            record = Record(fonds_id=fonds.id, category_code="WS", year=2001, retention="D10", status="filed",
                            secrecy=level, title=f"关于{mark}的请示", archival_code=f"J001-WS·2001-D10-{mark}R",
                            doc_no=f"{mark}号", issuer=f"{mark}局", doc_date=dt.date(2001, 3, 1), pages=1,
                            volume_id=volume.id, filed_at=dt.datetime.now(dt.UTC),
                            retention_due=dt.date(2011, 3, 1), declassify_on=dt.date(2011, 3, 1))
            s.add(record)
            s.flush()
            s.add(Page(record_id=record.id, page_no=1, ocr_text=f"正文 {mark} 内容"))
            box = Box(fonds_id=fonds.id, category_code="WS", year=2001, retention="D10", box_no=90 + n,
                      code=f"J001-WS·2001-D10-{mark}H", title=f"{mark}盒", secrecy=level)
            s.add(box)
            s.flush()
            record.box_id = box.id
            ids["record"][level], ids["volume"][level], ids["box"][level] = record.id, volume.id, box.id
            holds.place(s, resolve(s, "archivist_top", channel="web"), reason=f"冻结{mark}", scope="record",
                        target=str(record.id))
            # An event about the record whose details carry its words, as filing and corrections write.
            audit.record(s, "archivist_top", "record.corrected", f"record:{record.id}",
                         {"before": {"title": "旧"}, "after": {"title": record.title}, "secrecy": level})
            made = requests.create_request(s, resolve(s, "requester_top", channel="web"), purpose="核对",
                                           form="reading_room", record_ids=[record.id])
            ids["request"][level] = made.id
        # Links between records of neighbouring levels (issue 19): a record's page names the other side only
        # to those who may see it.
        for low, high in zip(LEVELS, LEVELS[1:]):
            record_links.add(s, resolve(s, "archivist_top", channel="web"), ids["record"][high], ids["record"][low],
                             "draft_of")
        batch = appraisal.create_batch(s, resolve(s, "archivist_top", channel="web"), title="到期鉴定",
                                       members=["appraiser_a", "appraiser_b", "appraiser_c"],
                                       record_ids=list(ids["record"].values()))
        ids["batch"] = batch.id
        check = inventory.open_check(s, resolve(s, "archivist_top", channel="web"), ROOM)
        inventory.scan(s, resolve(s, "archivist_top", channel="web"), check.id, f"{ROOM}-01-01-1-1",
                       [f"J001-WS·2001-D10-{MARK[level]}V" for level in LEVELS[:2]])
        inventory.close_check(s, resolve(s, "archivist_top", channel="web"), check.id)
        ids["check"] = check.id
        # A transfer register listing a volume of every level: an item above the viewer's clearance does
        # not exist for them (its code and title carry the level's marker).
        handed = transfers.submit_register(
            s, resolve(s, "requester_top", channel="web"), department="BGS", year=2001, category_code="WS",
            lines=[transfers.Line(f"J001-WS·2001-D10-{MARK[level]}V", f"{MARK[level]}移交", 1) for level in LEVELS])
        transfers.sign_register(s, resolve(s, "dept_head_confidential", channel="web"), handed.id)
        transfers.check_arrivals(s, resolve(s, "archivist_top", channel="web"), handed.id,
                                 {f"J001-WS·2001-D10-{MARK[level]}V": 2 for level in LEVELS})
        ids["transfer"] = handed.id
        ids["tokens"] = {name: tokens.create(s, actor="test", username=name, name="sweep")[1] for name in USERS}
    catalog.dispose()
    return {"settings": settings, "ids": ids}


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    return _seed(tmp_path_factory.mktemp("clearance-home"), sqlite_template)


@pytest.fixture(scope="module")
def sweep_app(world):
    application = create_app(world["settings"], testing=True)
    yield application
    application.extensions["archive"].close()


def seen_levels(username: str) -> set[str]:
    role, clearance = USERS[username]
    viewer = Viewer.of(types.SimpleNamespace(username=username, role=role, clearance=clearance, departments=[],
                                             categories=SCOPES.get(username, [])))
    return {level for level in LEVELS
            if can_see(viewer, types.SimpleNamespace(secrecy=level, category_code="WS", department="", status="filed"))}


def get_rules(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in SKIP),
                  key=lambda r: r.rule)


def urls_for(rule, ids: dict, level: str) -> list[str]:
    """Concrete URLs of a rule, with ids of the item seeded at `level` where it takes one."""
    values = {"record_id": ids["record"][level], "volume_id": ids["volume"][level], "box_id": ids["box"][level],
              "request_id": ids["request"][level], "page_no": 1, "check_id": ids["check"],
              "batch_id": ids["batch"], "register_id": ids["transfer"],
              "serial": "FZ2026-000001-0000",  # a certified copy's serial (issue 17): none issued here
              "review_id": 1}  # a personnel file review (issue 19): personal data, the personnel archivist's
    path = rule.rule
    for name in rule.arguments - {"kind", "fmt"}:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
    paths = [path.replace("<kind>", k) for k in REGISTER_KINDS] if "kind" in rule.arguments else [path]
    paths = [p.replace("<fmt>", f) for p in paths for f in FORMATS] if "fmt" in rule.arguments else paths
    return [p + suffix for p in paths for suffix in VARIANTS.get(rule.rule, ("",))]


def body_text(response) -> str:
    """What a person reads in the answer: the text of a page, a CSV, a PDF or a workbook."""
    data = response.get_data()
    if response.mimetype == "application/pdf":
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
        return out.stdout.decode()
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    if response.mimetype.startswith("image/"):
        return ""
    return response.get_data(as_text=True)


def leaks(body: str, allowed: set[str]) -> list[str]:
    return [level for level in LEVELS if level not in allowed and MARK[level] in body]


def test_every_route_is_covered(sweep_app):
    unknown = {r.rule: sorted(r.arguments - set(PARAMS)) for r in get_rules(sweep_app) if r.arguments - set(PARAMS)}
    assert not unknown, f"add these path parameters to PARAMS so the sweep requests them: {unknown}"


def test_markers_are_seeded_where_they_can_be_seen(sweep_app, world):
    """The sweep finds leaks only if the markers do show where they may: the top-cleared director sees all."""
    client = sweep_app.test_client()
    sweep_app.extensions["login_limiter"].reset()
    assert login(client, "director_top").status_code == 302
    for level in LEVELS:
        body = client.get(f"/records/{world['ids']['record'][level]}").get_data(as_text=True)
        assert MARK[level] in body, level
    # ...and the sweep reads printouts: the consultation register as a PDF and a workbook names them.
    for fmt in ("pdf", "xlsx"):
        printed = body_text(client.get(f"/loans/registers/consultation?format={fmt}"))
        assert all(MARK[level] in printed for level in LEVELS), (fmt, printed[:300])
    assert seen_levels("staff_sb_top") == set()  # scope, not clearance, hides the WS items from them


def _is_per_item(rule) -> bool:
    return bool(rule.arguments & {"record_id", "volume_id", "box_id", "request_id"})


@pytest.mark.parametrize("username", sorted(USERS))
def test_no_page_shows_more_than_clearance(sweep_app, world, username):
    allowed = seen_levels(username)
    ids = world["ids"]
    client = sweep_app.test_client()
    sweep_app.extensions["login_limiter"].reset()
    assert login(client, username).status_code == 302
    bearer = {"Authorization": f"Bearer {ids['tokens'][username]}"}
    problems = []
    for rule in get_rules(sweep_app):
        levels = LEVELS if _is_per_item(rule) else (LEVELS[0],)
        for level in levels:
            for url in urls_for(rule, ids, level):
                headers = bearer if url.startswith("/api/") else {}
                response = client.get(url, headers=headers)
                body = body_text(response)
                if response.status_code >= 500:
                    problems.append(f"{url}: {response.status_code}")
                found = leaks(body, allowed)
                if found:
                    problems.append(f"{url}: shows {found}")
                if _is_per_item(rule) and level not in allowed and response.status_code not in (403, 404):
                    problems.append(f"{url}: {level} item answered {response.status_code}, not 403/404")
    assert not problems, f"{username} ({USERS[username]}): " + "; ".join(problems)


def test_audit_trail_keeps_events_but_hides_their_words(sweep_app, world):
    """The auditor sees that above-clearance records were touched (DOMAIN.md §4), never their titles."""
    client = sweep_app.test_client()
    sweep_app.extensions["login_limiter"].reset()
    assert login(client, "auditor_internal").status_code == 302
    secret_id = world["ids"]["record"]["top_secret"]
    body = client.get(f"/audit?target=record:{secret_id}").get_data(as_text=True)
    placeholder = ("〔密〕", "\\u3014\\u5bc6\\u3015")  # as written, or as the page's JSON escapes it
    assert f"record:{secret_id}" in body and any(p in body for p in placeholder) and MARK["top_secret"] not in body
    events = client.get(f"/api/v1/audit/events?target=record:{secret_id}",
                        headers={"Authorization": f"Bearer {world['ids']['tokens']['auditor_internal']}"}).get_json()
    assert events["events"] and all(e["redacted"] for e in events["events"])


def test_counts_exclude_what_the_viewer_may_not_see(sweep_app, world):
    """Dashboard and stock check: the numbers are of visible records and volumes only."""
    headers = {"Authorization": f"Bearer {world['ids']['tokens']['archivist_internal']}"}
    client = sweep_app.test_client()
    numbers = client.get("/api/v1/dashboard", headers=headers).get_json()
    assert numbers["total"] == 2  # public and internal
    check = client.get(f"/api/v1/inventory/{world['ids']['check']}", headers=headers).get_json()
    assert check["result"]["expected"] == 2 and check["result"]["missing"] == []
    top = {"Authorization": f"Bearer {world['ids']['tokens']['archivist_top']}"}
    check = client.get(f"/api/v1/inventory/{world['ids']['check']}", headers=top).get_json()
    assert check["result"]["expected"] == len(LEVELS) and len(check["result"]["missing"]) == 3


def test_services_refuse_above_clearance_targets(world):
    """Placing a hold on, or appraising, a record above one's clearance: it does not exist."""
    from archive.errors import NotFound

    catalog = Catalog(world["settings"].database_url)
    try:
        with catalog.session() as s:
            with pytest.raises(NotFound):
                holds.place(s, resolve(s, "archivist_internal", channel="web"), reason="诉讼", scope="record",
                            target=str(world["ids"]["record"]["secret"]))
            with pytest.raises(NotFound):
                appraisal.create_batch(s, resolve(s, "archivist_internal", channel="web"), title="越权", members=[
                    "appraiser_a", "appraiser_b", "appraiser_c"], record_ids=[world["ids"]["record"]["secret"]])
            s.rollback()
    finally:
        catalog.dispose()


def test_transfer_items_above_clearance_do_not_exist(sweep_app, world):
    """A transfer register shows each viewer the items they may see; the sweep checks no more leak."""
    client = sweep_app.test_client()
    path = f"/api/v1/transfers/{world['ids']['transfer']}"
    for username, levels in (("archivist_internal", LEVELS[:2]), ("archivist_top", LEVELS),
                             ("dept_head_confidential", LEVELS[:4])):
        shown = client.get(path, headers={"Authorization": f"Bearer {world['ids']['tokens'][username]}"}).get_json()
        assert [i["title"] for i in shown["items"]] == [f"{MARK[level]}移交" for level in levels], username
    staff = {"Authorization": f"Bearer {world['ids']['tokens']['staff_confidential']}"}
    assert client.get(path, headers=staff).status_code == 404  # not a party to the register
