"""The working-day calendar: the shipped State Council arrangements, the administrator's updates."""

import datetime as dt

import pytest

from archive.errors import Forbidden
from archive.workdays import Calendar, add_workdays, import_file, is_workday, set_day, shipped_rows, year_days
from tests.disclosure.conftest import person

D = dt.date.fromisoformat


def test_shipped_file_covers_2024_to_2027_and_marks_2027_provisional():
    rows = shipped_rows()
    years = {r["day"].year for r in rows}
    assert years == {2024, 2025, 2026, 2027}
    assert all(r["provisional"] for r in rows if r["day"].year == 2027)
    assert not any(r["provisional"] for r in rows if r["day"].year < 2027)
    # an adjusted working day is always a weekend day
    assert all(r["day"].weekday() >= 5 for r in rows if r["kind"] == "workday")


def test_golden_week_2026(bureau):
    with bureau["catalog"].session() as s:
        assert not is_workday(s, D("2026-10-01")) and not is_workday(s, D("2026-10-07"))
        assert is_workday(s, D("2026-10-08"))  # 2026: 国庆 1–7 October only; 中秋 is 25–27 September
        assert is_workday(s, D("2026-10-10"))  # Saturday, 调休上班
        assert is_workday(s, D("2026-09-20"))  # Sunday, 调休上班
        assert not is_workday(s, D("2026-09-25"))  # 中秋节 (Friday)
        assert not is_workday(s, D("2026-10-11"))  # an ordinary Sunday


def test_spring_festival_2025_with_its_adjusted_days(bureau):
    with bureau["catalog"].session() as s:
        assert is_workday(s, D("2025-01-26"))  # Sunday 调休上班
        assert is_workday(s, D("2025-02-08"))  # Saturday 调休上班
        assert all(not is_workday(s, D("2025-01-28") + dt.timedelta(days=n)) for n in range(8))  # 28 Jan–4 Feb
        assert is_workday(s, D("2025-02-05"))
        # received Friday 24 January: Sun 26 Jan (1, 调休), Mon 27 (2), 28 Jan–4 Feb off, 5–7 Feb (3–5),
        # Sat 8 Feb (6, 调休), 10–14 (7–11), 17–21 (12–16), 24–27 Feb (17–20)
        assert add_workdays(s, D("2025-01-24"), 20) == D("2025-02-27")


def test_a_day_without_exceptions_follows_the_week(bureau):
    with bureau["catalog"].session() as s:
        cal = Calendar.load(s)
        assert cal.add(D("2024-03-01"), 5) == D("2024-03-08")
        assert cal.between(D("2024-03-01"), D("2024-03-08")) == 5
        assert cal.notes(D("2028-01-03")) == ["calendar_missing:2028"]
        assert cal.notes(D("2027-03-01")) == ["calendar_provisional:2027"]


def test_the_administrator_updates_the_calendar_and_bad_lines_are_listed(bureau):
    with bureau["catalog"].session() as s:
        admin = person(s, "admin")
        text = ("date,kind,name,source,provisional\n2028-01-01,holiday,元旦,test,0\n"
                "2028-13-01,holiday,bad,,0\n2028-01-08,上班,调休上班,test,0\n2028-01-02,maybe,,,\n")
        result = import_file(s, admin, text)
        assert result["added"] == 2 and len(result["errors"]) == 2
        assert "line 3" in result["errors"][0] and "line 5" in result["errors"][1]
        assert is_workday(s, D("2028-01-08")) and not is_workday(s, D("2028-01-01"))
        out = set_day(s, admin, "2028-01-08", "normal")
        assert out["previous"] == "workday" and not out["workday"]
        assert [d["date"] for d in year_days(s, admin, 2028)] == ["2028-01-01"]
        with pytest.raises(Forbidden):
            set_day(s, person(s, "arch"), "2028-01-09", "workday")
