"""Issue 12 #11 through the web: the consultation register PDF with markup in a loan purpose."""

from archive.lending import requests
from tests.injection_checks import MARKUP, _check_pdf, _csv_cells, _inert
from tests.lending.helpers import who


def test_consultation_register_pdf_through_the_web(app, as_user):
    """The reproduction: the register PDF returned 500 for <b>/<img> and made <a> a live link."""
    from archive.models import Record

    catalog = app.extensions["archive"].catalog
    with catalog.session() as s:
        record_id = s.query(Record).filter_by(secrecy="internal").first().id
        for purpose in MARKUP:
            requests.create_request(s, who(s, "staff", "web"), purpose=purpose, form="electronic",
                                    record_ids=[record_id])
    client = as_user("archivist")
    response = client.get("/loans/registers/consultation?format=pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    _check_pdf(response.get_data(), MARKUP)
    sheet = client.get("/loans/registers/consultation?format=csv")
    assert sheet.status_code == 200 and all(_inert(c) for c in _csv_cells(sheet.get_data()))
