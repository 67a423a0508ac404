"""Issue 19 #12 and #15 (DOMAIN.md §15): the copy and extract register, and non-record documents
destroyed with the office director's approval."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from archive import copying
from archive.errors import Conflict, Forbidden, ValidationError
from archive.identity import of_user
from archive.models import AuditEvent, User
from archive.registry_models import CopyEntry
from retention import non_record_destruction as nonrecord
from tests.catalog.helpers import make_record, seeded

PEOPLE = {"arch": "archivist", "od": "office_director", "od2": "office_director", "lead": "leader",
          "staff1": "staff", "staff2": "staff", "aud": "auditor", "low": "staff"}


@pytest.fixture
def reg(catalog, clock):
    with catalog.session() as s:
        fonds = seeded(s)
        users = [User(username=n, role=r, clearance="internal" if n == "low" else "top_secret", display_name=n)
                 for n, r in PEOPLE.items()]
        s.add_all(users)
        s.flush()
        who = {u.username: of_user(u, channel="web", origin="test") for u in users}
        notice = make_record(s, fonds, title="关于做好2020年社保工作的通知", issuer=fonds.name).id
        superior = make_record(s, fonds, title="关于加强档案安全的通知", issuer="省人力资源和社会保障厅",
                               secrecy="secret").id
        own_secret = make_record(s, fonds, title="关于内部事项的请示", issuer=fonds.name, secrecy="secret").id
        top = make_record(s, fonds, title="绝密文件", issuer="国务院", secrecy="top_secret").id
    return {"catalog": catalog, "who": who, "notice": notice, "superior": superior, "own_secret": own_secret,
            "top": top}


def _copy(reg, record_id, who="arch", **fields):
    values = {"pages": "1-2", "copies": 2, "copying_organ": "市人社局办公室", "purpose": "工作参考",
              "approved_by": "od"}
    values.update(fields)
    with reg["catalog"].session() as s:
        return copying.register(s, reg["who"][who], record_id, **values).id


def _entry(reg, entry_id) -> CopyEntry:
    with reg["catalog"].session() as s:
        entry = s.get(CopyEntry, entry_id)
        s.expunge(entry)
        return entry


# -- #12 copying and extracts -------------------------------------------------------------------
def test_every_copy_is_annotated_and_registered(reg):
    entry = _entry(reg, _copy(reg, reg["notice"]))
    assert entry.number.startswith("FD2020-") and entry.copies == 2
    for words in ("市人社局办公室", "2020-03-01 12:00", "共2份", entry.number):
        assert words in entry.annotation
    with reg["catalog"].session() as s:
        rows = copying.entries(s, reg["who"]["aud"])
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "copy_register.copy")).scalar_one()
    assert [r["number"] for r in rows] == [entry.number]
    assert event.details["copying_organ"] == "市人社局办公室" and event.details["copies"] == 2


def test_a_superior_organs_secret_document_needs_the_issuing_organs_approval(reg):
    with pytest.raises(Forbidden, match="issuing organ"):
        _copy(reg, reg["superior"], approved_by="lead")
    entry = _entry(reg, _copy(reg, reg["superior"], approved_by="lead",
                              issuing_organ_approval="省人社厅办公室 2020-02-28 电话同意（经办人 李某）"))
    assert entry.superior_secret and entry.issuing_organ_approval.startswith("省人社厅")
    assert "秘密" in entry.annotation or "secret" in entry.annotation.lower()
    # our own secret document needs no issuing organ's approval, but the leader in charge
    with pytest.raises(Forbidden):
        _copy(reg, reg["own_secret"], approved_by="od")
    assert not _entry(reg, _copy(reg, reg["own_secret"], approved_by="lead")).superior_secret


def test_copies_need_an_approver_other_than_the_registrant(reg):
    with pytest.raises(ValidationError):
        _copy(reg, reg["notice"], approved_by=None)
    with pytest.raises(Forbidden):
        _copy(reg, reg["notice"], approved_by="staff1")
    with pytest.raises(Forbidden):  # staff do not copy records themselves
        _copy(reg, reg["notice"], who="staff1")
    with pytest.raises(Forbidden, match="top-secret"):
        _copy(reg, reg["top"], approved_by="lead", issuing_organ_approval="x")


def test_extracts_belong_to_the_readers_unit_and_need_the_leader(reg):
    with pytest.raises(ValidationError, match="unit"):
        _copy(reg, reg["notice"], kind="extract", reader="staff1", approved_by="lead")
    with pytest.raises(Forbidden):  # every extract: the leader in charge, not the office director
        _copy(reg, reg["notice"], kind="extract", reader="staff1", reader_unit="养老保险科", approved_by="od")
    entry = _entry(reg, _copy(reg, reg["notice"], kind="extract", reader="staff1", reader_unit="养老保险科",
                              approved_by="lead", copies=1))
    assert entry.number.startswith("ZC") and entry.reader_unit == "养老保险科"
    assert "归养老保险科" in entry.annotation


# -- #15 non-record documents --------------------------------------------------------------------
def _lot(reg, who="staff1", **fields):
    values = {"description": "2019年会议通知复印件", "items": 40, "pages": 120, "reason": "重份，无归档价值"}
    values.update(fields)
    with reg["catalog"].session() as s:
        return nonrecord.register(s, reg["who"][who], **values).id


def _decide(reg, lot, who="od", approve=True, note=""):
    with reg["catalog"].session() as s:
        return nonrecord.decide(s, reg["who"][who], lot, approve=approve, note=note).status


def _destroy(reg, lot, who="arch", **fields):
    values = {"method": "shred", "place": "档案室"}
    values.update(fields)
    with reg["catalog"].session() as s:
        return nonrecord.as_dict(nonrecord.destroy(s, reg["who"][who], lot, **values))


def test_non_record_documents_are_destroyed_only_after_the_office_directors_approval(reg):
    lot = _lot(reg)
    with pytest.raises(Conflict):  # not yet approved
        _destroy(reg, lot)
    with pytest.raises(Forbidden):  # the leader in charge is not the approver here
        _decide(reg, lot, who="lead")
    assert _decide(reg, lot) == "approved"
    with pytest.raises(Forbidden, match="scrap"):
        _destroy(reg, lot, method="scrap")
    done = _destroy(reg, lot)
    assert done["status"] == "destroyed" and done["approved_by"] == "od" and done["number"].startswith("FG2020-")
    with reg["catalog"].session() as s:
        actions = [e.action for e in s.execute(select(AuditEvent).where(AuditEvent.target == f"non_record:{lot}")
                                               .order_by(AuditEvent.seq)).scalars()]
        register = nonrecord.register_rows(s, reg["who"]["aud"])
    assert actions == ["non_record.register", "non_record.approve", "non_record.destroy"]
    assert [r["number"] for r in register] == [done["number"]]


def test_the_director_does_not_approve_their_own_lot(reg):
    lot = _lot(reg, who="od")
    with pytest.raises(Forbidden):
        _decide(reg, lot, who="od")
    assert _decide(reg, lot, who="od2") == "approved"


def test_secret_lots_need_two_people_and_the_destruction_units_receipt(reg):
    lot = _lot(reg, secrecy="secret", description="秘密文件草稿")
    _decide(reg, lot)
    with pytest.raises(ValidationError, match="2 people"):
        _destroy(reg, lot, method="destruction_unit", attendees=["arch"], destruction_unit="市保密局销毁中心",
                 receipt_no="XH-2020-031")
    with pytest.raises(Forbidden):  # the approver is not one of the attendees
        _destroy(reg, lot, method="destruction_unit", attendees=["arch", "od"], destruction_unit="市保密局销毁中心",
                 receipt_no="XH-2020-031")
    with pytest.raises(ValidationError, match="destruction unit"):
        _destroy(reg, lot, method="shred", attendees=["arch", "staff2"])
    done = _destroy(reg, lot, method="destruction_unit", attendees=["arch", "staff2"],
                    destruction_unit="市保密局销毁中心", receipt_no="XH-2020-031")
    assert done["receipt_no"] == "XH-2020-031" and done["attendees"] == ["arch", "staff2"]


def test_a_secret_lot_is_invisible_below_its_level(reg):
    lot = _lot(reg, secrecy="secret")
    with reg["catalog"].session() as s:
        assert nonrecord.register_rows(s, reg["who"]["low"]) == []
    with pytest.raises(Forbidden):
        _lot(reg, who="low", secrecy="secret")
    assert lot


# -- the same through the command line -------------------------------------------------------------

def test_registers_through_the_command_line(reg, run):
    import json

    code, out, err = run("nonrecord", "register", "--description", "秘密文件草稿", "--items", "3", "--reason", "草稿",
                         "--secrecy", "secret", "--json", as_="staff1")
    assert code == 0, err
    lot = json.loads(out)["id"]
    assert run("nonrecord", "approve", lot, as_="lead")[0] != 0
    assert run("nonrecord", "approve", lot, as_="od")[0] == 0
    code, _, err = run("nonrecord", "destroy", lot, "--method", "shred", "--place", "档案室", "--attendee", "arch",
                       "--attendee", "staff2", as_="arch")
    assert code != 0 and "destruction unit" in err
    code, out, err = run("nonrecord", "destroy", lot, "--method", "destruction_unit", "--place", "市保密局",
                         "--attendee", "arch", "--attendee", "staff2", "--unit", "市保密局销毁中心",
                         "--receipt", "XH-1", as_="arch")
    assert code == 0 and "XH-1" in out, err
    code, out, _ = run("nonrecord", "list", as_="aud")
    assert "destroyed" in out and "secret" in out.lower()  # ARCHIVE_LANG=en: words, not codes

    code, _, err = run("copy", "register", reg["superior"], "--organ", "市人社局办公室", "--purpose", "参考",
                       "--approved-by", "lead", as_="arch")
    assert code != 0 and "issuing organ" in err
    code, out, err = run("copy", "register", reg["notice"], "--organ", "市人社局办公室", "--purpose", "参考",
                         "--copies", "3", "--approved-by", "od", as_="arch")
    assert code == 0 and "共3份" in out, err
    code, out, _ = run("copy", "list", "--json", as_="aud")
    assert [r["copies"] for r in json.loads(out)] == [3]
