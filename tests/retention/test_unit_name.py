"""The unit every printout names is a setting the system administrator sets (audited), and the
fonds' name until then."""

from __future__ import annotations

import pytest

from archive import audit
from archive.arrangement.common import unit_name
from archive.errors import Forbidden, ValidationError
from retention import rules


def test_the_unit_name_is_set_by_the_administrator(world):
    admin, staff = world["who"]["admin"], world["who"]["staff1"]
    with world["catalog"].session(admin) as s:
        before = unit_name(s)
        assert before  # the fonds' name
        rules.put(s, admin, "unit_name", "  某市人力资源和社会保障局  ")
    with world["catalog"].session(admin) as s:
        assert unit_name(s) == "某市人力资源和社会保障局"
        assert audit.events(s, action="retention.setting", limit=1)[0].details["new"] == "某市人力资源和社会保障局"
    with world["catalog"].session(staff) as s, pytest.raises(Forbidden):
        rules.put(s, staff, "unit_name", "别的单位")
    with world["catalog"].session(admin) as s, pytest.raises(ValidationError):
        rules.put(s, admin, "unit_name", "局" * 101)
