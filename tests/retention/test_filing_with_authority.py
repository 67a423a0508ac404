"""DOMAIN.md §6.3 (issue 19 item 6): a destruction register that lists social-insurance files is
also filed (备案) with the HRSS department; the archivist records the day and the department's
reference, after the approval and not in the future; a register not filed within the configured
number of days after its approval is listed, through the services and the command line."""

from __future__ import annotations

import json

import pytest

from archive import audit
from archive.cli import _load_plugins, main
from archive.errors import Conflict, Forbidden, ValidationError
from retention import authority_filing, rules
from retention import services as life
from tests.cli_auth import token_for
from tests.retention.workflow import approved_register, person


def _file(world, register_id, by="arch", on="2020-03-10", reference="人社备〔2020〕3号"):
    who = person(world, by)
    with world["catalog"].session(who) as s:
        return authority_filing.file(s, who, register_id, on=on, reference=reference)


def test_a_register_of_social_insurance_files_carries_its_filing_with_the_department(world, store):
    register_id, _ = approved_register(world, store, category_code="SB", title="养老保险待遇核定表")
    arch = person(world, "arch")
    with world["catalog"].session(arch) as s:
        before = life.register_detail(s, arch, register_id)["authority_filing"]
    assert before["required"] and before["filed_on"] is None and before["approved_on"] == "2020-03-01"
    assert before["due_on"] == "2020-03-31" and not before["overdue"]
    with pytest.raises(Forbidden):
        _file(world, register_id, by="w1")  # the archivist records it
    for on, ref in (("2020-02-28", "x"), ("2020-03-02", "x"), ("2020-03-01", ""), ("3/1", "x")):
        with pytest.raises(ValidationError):  # before the approval, in the future, no reference, no date
            _file(world, register_id, on=on, reference=ref)
    out = _file(world, register_id, on="2020-03-01")
    assert (out["filed_on"], out["reference"], out["recorded_by"]) == ("2020-03-01", "人社备〔2020〕3号", "arch")
    with pytest.raises(Conflict):
        _file(world, register_id, on="2020-03-01")
    with world["catalog"].session(arch) as s:
        shown = life.register_detail(s, arch, register_id)["authority_filing"]
        event = audit.events(s, action="destruction.register.filed_with_authority", limit=1)[0]
    assert shown["filed_on"] == "2020-03-01" and not shown["overdue"]
    assert event.target == f"register:{register_id}" and event.details["reference"] == "人社备〔2020〕3号"


def test_a_register_without_social_insurance_files_is_not_filed(world, store):
    register_id, _ = approved_register(world, store, category_code="WS")
    with pytest.raises(ValidationError):
        _file(world, register_id)
    arch = person(world, "arch")
    with world["catalog"].session(arch) as s:
        assert life.register_detail(s, arch, register_id)["authority_filing"]["required"] is False


def test_a_register_not_filed_after_the_configured_days_is_listed(world, store):
    sb, _ = approved_register(world, store, category_code="SB")
    approved_register(world, store, category_code="WS")
    aud, admin = person(world, "aud"), person(world, "admin")

    def overdue(on=None):
        with world["catalog"].session(aud) as s:
            return [r["register_id"] for r in authority_filing.overdue(s, aud, on=on)]

    assert overdue() == [] and overdue("2020-03-31") == []
    assert overdue("2020-04-01") == [sb]  # 30 days after the approval by default
    with world["catalog"].session(admin) as s:
        rules.put(s, admin, "authority_filing_days", 60)
    assert overdue("2020-04-01") == [] and overdue("2020-05-01") == [sb]
    staff = person(world, "staff1")
    with world["catalog"].session(staff) as s, pytest.raises(Forbidden):
        authority_filing.overdue(s, staff)
    world["clock"].to("2020-05-02")
    _file(world, sb, on="2020-05-02")
    assert overdue() == []


def test_filing_through_the_command_line(world, store, archive_env, capsys, monkeypatch):
    register_id, _ = approved_register(world, store, category_code="SB")
    _load_plugins()

    def run(*args, as_):
        monkeypatch.setenv("ARCHIVE_TOKEN", token_for(archive_env["database_url"], as_))
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run("authority", "overdue", "--date", "2020-04-02", "--json", as_="aud")
    assert code == 0, err
    assert [r["register_id"] for r in json.loads(out)] == [register_id]
    code, _, err = run("authority", "file", register_id, "--date", "2020-03-02", "--ref", "x", as_="arch")
    assert code != 0 and "today" in err
    code, out, err = run("authority", "file", register_id, "--date", "2020-03-01", "--ref", "人社备3号", as_="arch")
    assert code == 0 and "2020-03-01" in out, err
    code, out, _ = run("authority", "overdue", "--date", "2020-04-02", "--json", as_="aud")
    assert json.loads(out) == []
