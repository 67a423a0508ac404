"""One cell to one value: Chinese dates, secrecy words with ★ terms, old retention terms."""

import datetime as dt

import pytest

from archive.catalogue.values import Bad, parse_date, parse_retention, parse_secrecy
from archive.codes import LEGACY_RETENTION_TERMS, Retention


@pytest.mark.parametrize("written, day, precision", [
    ("一九九八年三月", dt.date(1998, 3, 1), "month"),
    ("1998.3", dt.date(1998, 3, 1), "month"),
    ("19980312", dt.date(1998, 3, 12), "day"),
    ("19980300", dt.date(1998, 3, 1), "month"),
    ("1998年3月12日", dt.date(1998, 3, 12), "day"),
    ("二〇〇一年十二月二十三日", dt.date(2001, 12, 23), "day"),
    ("1998-03-12", dt.date(1998, 3, 12), "day"),
    ("1998", dt.date(1998, 1, 1), "year"),
    (dt.datetime(1998, 3, 12, 0, 0), dt.date(1998, 3, 12), "day"),
])
def test_dates_as_catalogues_write_them(written, day, precision):
    found = parse_date(written)
    assert (found.date, found.precision) == (day, precision)
    # Eight digits with 00 for what is unknown: read back to the same date and precision.
    assert parse_date(found.written()) == found


@pytest.mark.parametrize("written", ["1998.13", "19980230", "一九九八年十三月", "abc", "98.3"])
def test_impossible_dates_are_refused(written):
    with pytest.raises(Bad) as exc:
        parse_date(written)
    assert exc.value.key == "bad_date"


@pytest.mark.parametrize("written, level, months, long_term, marking", [
    ("秘密", "secret", None, False, ""),
    ("机密★10年", "confidential", 120, False, "机密★10年"),
    ("绝密★长期", "top_secret", None, True, "绝密★长期"),
    ("秘密*5年", "secret", 60, False, "秘密*5年"),  # OCR and typists write ★ as *
    ("秘密☆6个月", "secret", 6, False, "秘密☆6个月"),
    ("内部", "internal", None, False, ""),
    ("非密", "public", None, False, ""),
    ("", "internal", None, False, ""),
])
def test_secrecy_words(written, level, months, long_term, marking):
    mark = parse_secrecy(written)
    assert (mark.level.value, mark.term_months, mark.long_term, mark.marking) == (level, months, long_term, marking)


@pytest.mark.parametrize("written, key", [("秘密★30年", "secrecy_term_too_long"), ("内部★5年", "bad_secrecy"),
                                          ("超级机密", "bad_secrecy"), ("机密★很久", "bad_secrecy_term")])
def test_wrong_secrecy_is_refused(written, key):
    with pytest.raises(Bad) as exc:
        parse_secrecy(written)
    assert exc.value.key == key


def test_retention_parse_reads_old_terms_and_labels():
    # Before issue 14 each of these raised ValueError.
    assert Retention.parse("长期") is Retention.D30
    assert Retention.parse("短期") is Retention.D10
    assert Retention.parse("30年") is Retention.D30
    assert Retention.parse("100年") is Retention.D100
    assert Retention.parse("永久") is Retention.PERMANENT
    # The table is configurable: a bureau that read 长期 as 50 years.
    assert Retention.parse("长期", {"长期": "D50"}) is Retention.D50
    with pytest.raises(ValueError):
        Retention.parse("5年")


def test_old_term_is_kept_beside_the_period():
    assert parse_retention("长期", LEGACY_RETENTION_TERMS) == (Retention.D30, "长期")
    assert parse_retention("永久", LEGACY_RETENTION_TERMS) == (Retention.PERMANENT, "")
    assert parse_retention("短期", {"短期": "D2"}) == (Retention.D2, "短期")
