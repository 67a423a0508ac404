"""Records' disclosure attributes: defaults by nature, a reason for 不予公开, the review kept."""

import pytest

from archive.disclosure import attributes
from archive.errors import Forbidden, NotFound, ValidationError
from archive.models import AuditEvent, Fonds
from tests.catalog.helpers import make_record
from tests.disclosure.conftest import person


def test_secrets_and_personnel_files_are_never_disclosed(bureau):
    with bureau["catalog"].session() as s:
        fonds = s.get(Fonds, bureau["fonds_id"])
        secret = make_record(s, fonds, secrecy="secret")
        personnel = make_record(s, fonds, category_code="RS", person_name="李四")
        plain = make_record(s, fonds)
        assert (secret.disclosure, secret.disclosure_reason) == ("not_disclosed", "state_secret")
        assert (personnel.disclosure, personnel.disclosure_reason) == ("not_disclosed", "personal_privacy")
        assert (plain.disclosure, plain.disclosure_reason) == ("on_request", "")
        plain.secrecy = "confidential"  # raised later (a secrecy review): the attribute follows
        s.flush()
        assert (plain.disclosure, plain.disclosure_reason) == ("not_disclosed", "state_secret")
        arch = person(s, "arch")
        with pytest.raises(ValidationError, match="never disclosed"):
            attributes.set_attribute(s, arch, secret.id, "proactive")
        with pytest.raises(ValidationError, match="never disclosed"):
            attributes.set_attribute(s, arch, personnel.id, "依申请公开")
        # the reason of its 不予公开 may change
        out = attributes.set_attribute(s, arch, secret.id, "not_disclosed", "security_stability")
        assert out["reason"] == "security_stability"


def test_setting_needs_a_statutory_reason_and_is_reviewed_and_audited(bureau):
    with bureau["catalog"].session() as s:
        fonds = s.get(Fonds, bureau["fonds_id"])
        record = make_record(s, fonds, archival_code="J001-WS·2018-D30-0001")
        arch = person(s, "arch")
        with pytest.raises(ValidationError, match="reason"):
            attributes.set_attribute(s, arch, record.id, "not_disclosed")
        with pytest.raises(ValidationError):
            attributes.set_attribute(s, arch, record.id, "not_disclosed", "because")
        with pytest.raises(ValidationError):
            attributes.set_attribute(s, arch, record.id, "proactive", "process_info")
        out = attributes.set_attribute(s, arch, "J001-WS·2018-D30-0001", "not_disclosed", "process_info", "请示稿")
        assert out["reviewed_by"] == "arch" and out["reviewed_at"] and out["reason_label"].startswith("属于过程性信息")
        out = attributes.set_attribute(s, person(s, "office"), record.id, "主动公开")
        assert out["disclosure"] == "proactive" and out["reason"] == "" and out["reviewed_by"] == "office"
        assert [h["decided_by"] for h in out["history"]] == ["office", "arch"]
        events = s.query(AuditEvent).filter_by(action="disclosure.set").order_by(AuditEvent.seq).all()
        assert [(e.details["from"], e.details["to"]) for e in events] == [
            ("on_request", "not_disclosed"), ("not_disclosed", "proactive")]
        with pytest.raises(Forbidden):
            attributes.set_attribute(s, person(s, "clerk"), record.id, "on_request")


def test_above_clearance_the_record_does_not_exist(bureau):
    with bureau["catalog"].session() as s:
        fonds = s.get(Fonds, bureau["fonds_id"])
        secret = make_record(s, fonds, secrecy="secret")
        with pytest.raises(NotFound):
            attributes.show(s, person(s, "low"), secret.id)
        listed = attributes.unreviewed(s, person(s, "low"))
        assert secret.id not in [r["record_id"] for r in listed]
        assert secret.id in [r["record_id"] for r in attributes.unreviewed(s, person(s, "arch"))]
