"""Migration 0023 gives existing state secrets and personnel files their 不予公开 and ships the calendar."""

from sqlalchemy import text

from archive.models import Fonds, Record
from archive.workdays import CalendarDay
from tests.catalog.helpers import make_record
from tests.catalog.test_migrations import _migrate_to


def test_existing_records_get_their_defaults_and_the_calendar_is_loaded(bureau):
    catalog = bureau["catalog"]
    with catalog.session() as s:
        fonds = s.get(Fonds, bureau["fonds_id"])
        ids = [make_record(s, fonds, secrecy=level, category_code=cat).id
               for level, cat in (("secret", "WS"), ("internal", "RS"), ("internal", "WS"), ("top_secret", "RS"))]
    with catalog.engine.begin() as conn:  # as every record stood before 0023: 依申请公开, no reason
        conn.execute(text("UPDATE records SET disclosure = 'on_request', disclosure_reason = ''"))
    _migrate_to(catalog, "0022", down=True)
    _migrate_to(catalog, "head")
    with catalog.session() as s:
        got = [(s.get(Record, i).disclosure, s.get(Record, i).disclosure_reason) for i in ids]
        assert got == [("not_disclosed", "state_secret"), ("not_disclosed", "personal_privacy"),
                       ("on_request", ""), ("not_disclosed", "state_secret")]
        assert s.query(CalendarDay).count() == 127
