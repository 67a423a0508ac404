"""Certified copies (issue 17 item 4): chosen pages as PDF/A with the seal and annotation, a
serial that verifies with the file's digest, and one changed byte that fails; the copying rules
of DOMAIN.md §5 and §15 (no top secret, approval for secret levels) and clearance."""

import hashlib
import io

import pikepdf
import pytest

from archive import copying
from archive.errors import Forbidden, NotFound, ValidationError
from archive.identity import system
from archive.models import AuditEvent, User
from archive.utilization import certify, requests
from tests.utilization.conftest import ALICE_ID, person


def _issue(room, who="arch", record="alice_reg", **kw):
    with room["catalog"].session() as s:
        values = {"pages": "1-2", "copies": 2, "requester": "张三", "store": room["store"], "approved_by": "office"}
        values.update(kw)
        return certify.issue(s, person(s, who), room["ids"][record], **values)


def _verify(room, serial, **kw):
    with room["catalog"].session() as s:
        return certify.verify(s, system("verify", channel="web"), serial, **kw)


def test_a_certified_copy_is_pdfa_with_the_chosen_pages_the_annotation_and_a_verification_page(room):
    issued = _issue(room, pages="2", copies=3, copying_organ="某市人社局档案室")
    with pikepdf.open(io.BytesIO(issued.pdf)) as doc:
        with doc.open_metadata() as meta:
            assert meta.pdfa_status == "2B"
        assert len(doc.pages) == 2  # page 2, then the verification page
        assert len(doc.pages[0].Resources.XObject) == 2  # the scanned page and the seal
    assert issued.copy["copies"] == 3 and issued.copy["copying_organ"] == "某市人社局档案室"
    assert issued.copy["items"] == [{"record": room["ids"]["alice_reg"], "pages": [2]}]
    assert issued.copy["sha256"] == hashlib.sha256(issued.pdf).hexdigest()
    assert issued.copy["serial"].startswith("FZ")


def test_the_serial_verifies_with_the_file_or_its_digest_and_a_changed_byte_fails(room):
    issued = _issue(room)
    serial = issued.copy["serial"]
    plain = _verify(room, serial)
    assert plain["issued"] and not plain["checked"] and not plain["match"]
    assert set(plain) == {"serial", "issued", "issued_on", "issuing_unit", "checked", "match"}  # no content
    assert _verify(room, serial, data=issued.pdf)["match"]
    assert _verify(room, serial, digest=issued.copy["sha256"].upper())["match"]
    tampered = bytearray(issued.pdf)
    tampered[len(tampered) // 2] ^= 0x01
    assert not _verify(room, serial, data=bytes(tampered))["match"]
    assert not _verify(room, "FZ2026-999999-AAAA", data=issued.pdf)["issued"]
    with pytest.raises(ValidationError):
        _verify(room, serial, digest="not-a-digest")
    with room["catalog"].session() as s:
        checks = s.query(AuditEvent).filter_by(action="copy.verify").count()
    assert checks == 5  # the malformed digest was refused before anything was looked up


def test_pages_outside_the_record_and_bad_copy_counts_are_refused(room):
    for pages in ("3", "0", "2-1", "a"):
        with pytest.raises(ValidationError):
            _issue(room, pages=pages)
    with pytest.raises(ValidationError):
        _issue(room, copies=0)
    with pytest.raises(ValidationError):
        _issue(room, requester="")
    assert certify.parse_pages("1-3,5，2", 5) == [1, 2, 3, 5]


def test_top_secret_is_never_copied_and_secret_needs_an_approval(room, catalog):
    with catalog.session() as s:
        s.query(User).filter_by(username="arch").one().clearance = "top_secret"
    with pytest.raises(Forbidden):
        _issue(room, record="top", approved_by="leader")
    with pytest.raises(Forbidden):
        _issue(room, record="ws_secret", approved_by="")
    with pytest.raises(Forbidden):  # the office director approves ordinary copies only
        _issue(room, record="ws_secret", approved_by="office")
    assert _issue(room, record="ws_secret", approved_by="leader").copy["serial"]


def test_every_certified_copy_names_its_approver_and_enters_the_copy_register(room):
    with pytest.raises(ValidationError):
        _issue(room, approved_by="")
    with pytest.raises(Forbidden):
        _issue(room, approved_by="clerk")
    issued = _issue(room, pages="1", copies=2)
    with room["catalog"].session() as s:
        rows = copying.entries(s, person(s, "arch"), record_id=room["ids"]["alice_reg"])
    assert [(r["pages"], r["copies"], r["approved_by"]) for r in rows] == [("1", 2, "office")]
    assert issued.copy["copying_organ"] == rows[0]["copying_organ"]


def test_copies_stay_within_clearance(room):
    with pytest.raises(NotFound):
        _issue(room, who="low", record="ws_secret", approved_by="leader")
    with pytest.raises(Forbidden):
        _issue(room, who="clerk")
    issued = _issue(room, record="ws_secret", approved_by="leader")
    with room["catalog"].session() as s:
        with pytest.raises(NotFound):
            certify.copy_file(s, person(s, "low"), issued.copy["serial"], room["store"])
        again, _name = certify.copy_file(s, person(s, "arch"), issued.copy["serial"], room["store"])
    assert again == issued.pdf


def test_a_copy_issued_for_a_request_is_listed_in_it(room):
    with room["catalog"].session() as s:
        made = requests.register(s, person(s, "arch"), name="张三", id_number=ALICE_ID, purpose="work_years")
    issued = _issue(room, request=made["number"], requester="", copies=1)
    with room["catalog"].session() as s:
        seen = requests.detail(s, person(s, "arch"), made["number"])
        events = [e.action for e in s.query(AuditEvent)]
    assert issued.copy["requester_name"] == "张三"
    assert [c["serial"] for c in seen["copies"]] == [issued.copy["serial"]]
    assert [r["id"] for r in seen["found"]] == [room["ids"]["alice_reg"]]
    assert "copy.issue" in events
