import threading

import pytest
from sqlalchemy import func, select

from archive import archival_code
from archive.archival_code import CodeParts
from archive.errors import ValidationError
from archive.models import Record
from tests.catalog.helpers import seeded


def test_compose_and_parse_round_trip():
    parts = CodeParts("J001", "WS", 2018, "Y", "BGS")
    assert parts.with_item(56) == "J001-WS·2018-Y-BGS-0056"
    assert archival_code.parse("J001-WS·2018-Y-BGS-0056") == (parts, 56)
    vol = CodeParts("J001", "SB", 2018, "D100", volume=12)
    assert vol.with_item(3) == "J001-SB·2018-D100-012-0003"
    assert archival_code.parse(vol.with_item(3)) == (vol, 3)


@pytest.mark.parametrize(
    "bad",
    ["J01-WS·2018-Y-0001", "J001-ws·2018-Y-0001", "J001-WS-2018-Y-0001", "J001-WS·2018-D7X-0001", "J001-WS·2018-Y-56", ""],
)
def test_malformed_codes_are_rejected(bad):
    assert not archival_code.is_well_formed(bad)
    with pytest.raises(ValidationError):
        archival_code.parse(bad)


@pytest.mark.parametrize(
    "parts",
    [CodeParts("J1", "WS", 2018, "Y"), CodeParts("J001", "W", 2018, "Y"), CodeParts("J001", "WS", 18, "Y"),
     CodeParts("J001", "WS", 2018, "D7"), CodeParts("J001", "WS", 2018, "Y", "1BG")],
)
def test_invalid_parts_are_refused(catalog, parts):
    with catalog.session() as s, pytest.raises(ValidationError):
        archival_code.issue(s, parts)


def test_codes_increase_per_prefix_and_are_never_reused(catalog):
    parts = CodeParts("J001", "WS", 2018, "Y", "BGS")
    with catalog.session() as s:
        assert archival_code.issue(s, parts) == ("J001-WS·2018-Y-BGS-0001", 1)
        assert archival_code.issue(s, parts) == ("J001-WS·2018-Y-BGS-0002", 2)
        assert archival_code.issue(s, CodeParts("J001", "WS", 2018, "D30", "BGS"))[1] == 1
    # A rolled-back filing consumed nothing visible; the next committed one continues the series.
    with pytest.raises(RuntimeError), catalog.session() as s:
        archival_code.issue(s, parts)
        raise RuntimeError("filing failed")
    with catalog.session() as s:
        assert archival_code.issue(s, parts)[0] == "J001-WS·2018-Y-BGS-0003"


def test_concurrent_writers_get_distinct_codes(catalog):
    """Eight writers filing 2,000 records (run on SQLite and PostgreSQL)."""
    with catalog.session() as s:
        fonds_id = seeded(s).id
    writers, per_writer = 8, 250
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(per_writer):
                with catalog.session() as s:
                    code, item = archival_code.issue(s, CodeParts("J001", "SB", 2019, "D100", "YLK"))
                    s.add(Record(fonds_id=fonds_id, category_code="SB", year=2019, retention="D100",
                                 org_code="YLK", item_no=item, archival_code=code, status="filed"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    with catalog.session() as s:
        total = s.scalar(select(func.count(Record.id)))
        distinct = s.scalar(select(func.count(func.distinct(Record.archival_code))))
        top = s.scalar(select(func.max(Record.item_no)))
    assert total == distinct == writers * per_writer == 2000
    assert top == 2000  # no gaps: every committed number was used exactly once
