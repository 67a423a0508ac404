"""Refusals of the correction service that only one check stands behind (found by
scripts/mutate_policy_checks.py: taking the check out let these through)."""

import pytest

from archive.codes import Role, Secrecy
from archive.errors import Conflict, Forbidden
from archive.identity import Identity, of_user
from archive.models import User
from archive.policy import Viewer
from ingest.corrections import correct
from tests.catalog.helpers import make_record, seeded

ARCHIVIST = Identity(Viewer("arch", Role.ARCHIVIST, Secrecy.CONFIDENTIAL), "cli")


def test_a_reader_may_not_even_raise_a_secrecy_level(catalog):
    with catalog.session() as s:
        record = make_record(s, seeded(s), secrecy="internal")
        staff = Identity(Viewer("staff", Role.STAFF, Secrecy.TOP_SECRET), "web")
        with pytest.raises(Forbidden, match="may not edit"):
            correct(s, staff, record.id, {"secrecy": "secret"})
        assert record.secrecy == "internal"


@pytest.mark.parametrize("status", ["received", "processing", "failed"])
def test_only_filed_records_are_corrected(catalog, status):
    with catalog.session() as s:
        record = make_record(s, seeded(s), status=status)
        with pytest.raises(Conflict, match="only filed records"):
            correct(s, ARCHIVIST, record.id, {"title": "改"})


def test_a_disabled_account_yields_no_identity():
    user = User(username="gone", role="archivist", clearance="secret", departments=[], categories=[], active=False)
    with pytest.raises(Forbidden):
        of_user(user, channel="web")
