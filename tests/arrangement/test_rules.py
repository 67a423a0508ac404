"""The rules of arrangement (DOMAIN.md §2, §13), on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import select

from archive.arrangement import auto_arrange, case_files, dossiers, volumes
from archive.errors import Forbidden, ValidationError
from archive.models import AuditEvent, Fonds, Record, Volume
from tests.arrangement.conftest import as_person
from tests.catalog.helpers import make_record


def _records(s, n, **fields):
    fonds = s.get(Fonds, 1) or s.query(Fonds).first()
    return [make_record(s, fonds, **fields) for _ in range(n)]


def test_a_volumes_secrecy_rises_with_its_highest_item_and_never_falls_below_it(room):
    catalog = room["catalog"]
    with catalog.session() as s:
        me = as_person(s, "arch")
        plain, secret = _records(s, 1, category_code="SB", year=2022, retention="D100", pages=3)[0], \
            _records(s, 1, category_code="SB", year=2022, retention="D100", pages=4, secrecy="secret")[0]
        shown = volumes.create(s, me, fonds="J001", category="SB", year=2022, retention="D100", title="养老待遇 2022年3月")
        assert shown["volume"]["archival_code"] == "J001-SB·2022-D100-0001"
        shown = volumes.add(s, me, shown["volume"]["archival_code"], [plain.id])
        assert shown["volume"]["secrecy"] == "internal" and shown["volume"]["pages"] == 3
        shown = volumes.add(s, me, shown["volume"]["id"], [secret.archival_code or secret.id])
        assert shown["volume"]["secrecy"] == "secret" and shown["volume"]["pages"] == 7
        assert [i["item_code"] for i in shown["items"]] == ["J001-SB·2022-D100-0001-001", "J001-SB·2022-D100-0001-002"]
        volume_id, secret_id = shown["volume"]["id"], secret.id
    # An item raised elsewhere (a secrecy review, a correction) carries its volume with it.
    with catalog.session() as s:
        s.get(Record, secret_id).secrecy = "confidential"
    with catalog.session() as s:
        assert s.get(Volume, volume_id).secrecy == "confidential"
        # Lowering the volume below its items does not stick.
        s.get(Volume, volume_id).secrecy = "public"
    with catalog.session() as s:
        assert s.get(Volume, volume_id).secrecy == "confidential"
        # Taking the secret item out leaves the level where it was: lowering is the security officer's act.
        shown = volumes.remove(s, as_person(s, "arch"), volume_id, [secret_id], reason="误装，移出")
        assert shown["volume"]["secrecy"] == "confidential" and shown["volume"]["pages"] == 3
        assert [i["sequence"] for i in shown["items"]] == [1]


def test_removing_or_moving_needs_a_reason_and_only_archivists_arrange(room):
    with room["catalog"].session() as s:
        me, clerk = as_person(s, "arch"), as_person(s, "clerk")
        (r,) = _records(s, 1, category_code="SB", year=2022, retention="D100")
        with pytest.raises(Forbidden):
            volumes.create(s, clerk, fonds="J001", category="SB", year=2022, retention="D100", title="x")
        v = volumes.create(s, me, fonds="J001", category="SB", year=2022, retention="D100", title="x")["volume"]
        volumes.add(s, me, v["id"], [r.id])
        with pytest.raises(ValidationError):
            volumes.remove(s, me, v["id"], [r.id], reason=" ")


def test_a_dossier_orders_items_by_class_sub_class_and_date(room):
    with room["catalog"].session() as s:
        me = as_person(s, "arch")
        fonds = s.query(Fonds).first()
        person = {"category_code": "RS", "person_id_number": "22010219800101001X", "person_name": "张三",
                  "retention": "Y"}
        given = [("10", dt.date(2001, 5, 1), "体检表"), ("4-2", dt.date(2010, 1, 1), "职称评审表"),
                 ("1", dt.date(2015, 3, 1), "干部履历表2015"), ("4-1", dt.date(2005, 7, 1), "学位证明"),
                 ("9-2", dt.date(2012, 1, 1), "任免审批表"), ("1", dt.date(1999, 3, 1), "干部履历表1999"),
                 ("4", dt.date(2003, 1, 1), "学历材料"), ("9-1", dt.date(2020, 1, 1), "工资变动表")]
        records = [make_record(s, fonds, personnel_class=k, doc_date=d, title=t, **person) for k, d, t in given]
        # The first materials open the dossier; loose ones later are slotted in by class.
        dossiers.slot(s, me, [r.id for r in records[:4]])
        shown = dossiers.slot(s, me, [r.id for r in records[4:]])[0]
        assert [i["title"] for i in shown["catalogue"]] == [
            "干部履历表1999", "干部履历表2015", "学历材料", "学位证明", "职称评审表", "工资变动表", "任免审批表", "体检表"]
        assert [i["class"] for i in shown["catalogue"]] == ["1", "1", "4", "4-1", "4-2", "9-1", "9-2", "10"]
        assert [i["number_in_class"] for i in shown["catalogue"]][:2] == [1, 2]
        again = dossiers.show(s, me, "22010219800101001x")
        assert again["volume"]["id"] == shown["volume"]["id"]
        assert s.execute(select(Volume).where(Volume.kind == "dossier")).scalars().all().__len__() == 1


def test_a_closed_case_file_refuses_additions_without_a_reason(room):
    catalog = room["catalog"]
    with catalog.session() as s:
        me = as_person(s, "arch")
        first, late = _records(s, 2, category_code="AJ", year=2023, retention="Y")
        case = case_files.open_case(s, me, fonds="J001", year=2023, retention="Y", case_no="吉劳人仲案字〔2023〕12号",
                                    title="张三与某公司劳动争议仲裁案")["volume"]
        volumes.add(s, me, case["id"], [first.id])  # open: no reason needed
        case_files.close_case(s, me, case["id"])
        with pytest.raises(ValidationError):
            volumes.add(s, me, case["id"], [late.id])
        with pytest.raises(ValidationError):
            volumes.add(s, me, case["id"], [late.id], reason="   ")
        late_id, case_id = late.id, case["id"]
    with catalog.session() as s:
        s.add(__import__("archive.models", fromlist=["User"]).User(
            username="sys2", display_name="x", role="archivist", clearance="top_secret"))
    with catalog.session() as s:
        from archive.identity import system
        with pytest.raises(Forbidden):
            volumes.add(s, system("arrange"), case_id, [late_id], reason="补充")
    with catalog.session() as s:
        shown = volumes.add(s, as_person(s, "arch"), case_id, [late_id], reason="结案后收到的送达回证")
        assert len(shown["items"]) == 2
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "volume.add").order_by(AuditEvent.seq.desc())).scalars().first()
        assert event.details["reason"] == "结案后收到的送达回证" and event.details["after_closing"] is True


def _sb_year(s, fonds):
    """A year of SB items: two insurance types, three steps, transactions of an approval sheet
    and an application (the application dated before the approval), over several months."""
    made = []
    steps = [("养老保险", "养老待遇"), ("养老保险", "参保登记"), ("失业保险", "失业待遇")]
    n = 0
    for month in (1, 2, 7):
        for insurance, step in steps:
            for person in range(2):
                n += 1
                idn = f"2201021980010{n:04d}"[:18]
                day = 3 + person * 10
                made.append(make_record(s, fonds, category_code="SB", year=2022, retention="D100", insurance_type=insurance,
                                        business_step=step, person_id_number=idn, title=f"{step}申请表",
                                        doc_date=dt.date(2022, month, day), pages=2))
                made.append(make_record(s, fonds, category_code="SB", year=2022, retention="D100", insurance_type=insurance,
                                        business_step=step, person_id_number=idn, title=f"{step}核定表",
                                        doc_date=dt.date(2022, month, day + 2), pages=1))
    made.append(make_record(s, fonds, category_code="SB", year=2021, retention="D100", title="去年的", pages=1))
    return made


def test_monthly_sb_volumes_come_out_as_the_rules_say(room):
    with room["catalog"].session() as s:
        me = as_person(s, "arch")
        _sb_year(s, s.query(Fonds).first())
        proposal = auto_arrange.arrange(s, me, year=2022, category="SB")
        assert proposal["items"] == 36 and proposal["left"] == 0 and not proposal["applied"]
        assert s.execute(select(Volume)).first() is None  # a proposal changes nothing
        titles = [u["title"] for u in proposal["units"]]
        # year → insurance type → business step (in the standard's order) → month
        assert titles == ["2022年1月 养老保险 参保登记", "2022年2月 养老保险 参保登记", "2022年7月 养老保险 参保登记",
                          "2022年1月 养老保险 养老待遇", "2022年2月 养老保险 养老待遇", "2022年7月 养老保险 养老待遇",
                          "2022年1月 失业保险 失业待遇", "2022年2月 失业保险 失业待遇", "2022年7月 失业保险 失业待遇"]
        done = auto_arrange.arrange(s, me, year=2022, category="SB", apply=True)
        assert [u["title"] for u in done["units"]] == titles
        for unit in done["units"]:
            shown = volumes.detail(s, me, unit["code"])
            kinds = [i["title"][-3:] for i in shown["items"]]
            assert kinds == ["核定表", "申请表", "核定表", "申请表"]  # each transaction: approval sheet on top
            people = [s.get(Record, i["id"]).person_id_number for i in shown["items"]]
            assert people[0] == people[1] and people[2] == people[3] and people[0] != people[2]
            assert shown["volume"]["pages"] == 6 and shown["volume"]["month"] in (1, 2, 7)
        assert auto_arrange.arrange(s, me, year=2022, category="SB")["items"] == 0  # nothing left to arrange
