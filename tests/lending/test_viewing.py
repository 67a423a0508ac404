"""Electronic viewing: grants, the watermark on the rendered image, downloads, top-secret rules."""

import io

import pytest
from PIL import Image, ImageChops

from archive import watermark
from archive.errors import Conflict, Forbidden, NotFound, ValidationError
from archive.lending import extracts, requests, viewing
from tests.lending.helpers import who, world


def blank_page(_page=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(out, format="PNG")
    return out.getvalue()


def tiles_marked(original: Image.Image, marked: Image.Image, size: int = 150) -> float:
    """Share of size×size tiles in which the marked image differs from the original."""
    diff = ImageChops.difference(original.convert("RGB"), marked.convert("RGB")).convert("L")
    total = hit = 0
    for x in range(0, diff.width - size + 1, size):
        for y in range(0, diff.height - size + 1, size):
            total += 1
            hit += diff.crop((x, y, x + size, y + size)).getbbox() is not None
    return hit / total


def test_watermark_is_tiled_over_the_whole_image():
    original = Image.open(io.BytesIO(blank_page()))
    marked = watermark.apply(original, watermark.watermark_text("张三", "2026-11-24 21:00", "JY2026000001"))
    assert tiles_marked(original, marked) == 1.0
    # semi-transparent: the mark tints the page, it does not paint over it
    darkest = marked.convert("L").getextrema()[0]
    assert 100 < darkest < 250


def test_every_rendered_page_of_an_electronic_loan_is_watermarked(catalog):
    with catalog.session() as s:
        w = world(s)
        rid = w["records"]["secret"]
        req = requests.create_request(s, who(s, "zhao"), purpose="查考", form="electronic", record_ids=[rid], days=3)
        requests.approve(s, who(s, "leader"), req.id)
        with pytest.raises(Forbidden):  # no grant yet: secret content stays closed
            viewing.view_page(s, who(s, "zhao"), rid, 1, blank_page)
        [grant] = viewing.issue_grants(s, who(s, "arch"), req.id)
        assert grant.download is False
        png = viewing.view_page(s, who(s, "zhao"), rid, 1, blank_page)
        marked = Image.open(io.BytesIO(png))
        assert tiles_marked(Image.open(io.BytesIO(blank_page())), marked) == 1.0
        assert not viewing.may_download(s, who(s, "zhao"), rid)
        with pytest.raises(Forbidden):
            viewing.download(s, who(s, "zhao"), rid)
        viewing.close_viewing(s, who(s, "arch"), req.id)
        with pytest.raises(Forbidden):
            viewing.view_page(s, who(s, "zhao"), rid, 1, blank_page)


def test_top_secret_only_in_the_reading_room_with_an_archivist(catalog):
    with catalog.session() as s:
        w = world(s)
        rid = w["records"]["top_secret"]
        req = requests.create_request(s, who(s, "qian"), purpose="查考", form="reading_room", record_ids=[rid])
        requests.approve(s, who(s, "director"), req.id)
        with pytest.raises(ValidationError):
            viewing.issue_grants(s, who(s, "arch"), req.id)  # no accompanying archivist
        [grant] = viewing.issue_grants(s, who(s, "arch"), req.id, accompanied_by="arch2")
        assert grant.accompanied_by == "arch2" and grant.place == "reading_room"
        with pytest.raises(Forbidden):
            viewing.view_page(s, who(s, "qian"), rid, 1, blank_page, place="electronic")
        assert viewing.view_page(s, who(s, "qian"), rid, 1, blank_page, place="reading_room")
        with pytest.raises((Forbidden, ValidationError)):
            extracts.register_extract(s, who(s, "arch"), req.id, rid, reader="qian", description="x")


def test_extracts_inherit_secrecy_and_copies_are_counted(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        rid = w["records"]["secret"]
        plain = requests.create_request(s, who(s, "zhao"), purpose="查考", form="reading_room", record_ids=[rid])
        requests.approve(s, who(s, "leader"), plain.id)
        with pytest.raises(Forbidden):
            extracts.register_extract(s, who(s, "arch"), plain.id, rid, reader="zhao", description="第2页")
        req = requests.create_request(s, who(s, "zhao"), purpose="摘抄", form="reading_room", record_ids=[rid], extract=True)
        with pytest.raises(Conflict):  # not approved yet
            extracts.register_extract(s, who(s, "arch"), req.id, rid, reader="zhao", description="第2页")
        requests.approve(s, who(s, "leader"), req.id)
        with pytest.raises(Forbidden):  # the archivist at the desk registers, not the reader
            extracts.register_extract(s, who(s, "zhao"), req.id, rid, reader="zhao", description="第2页")
        ex = extracts.register_extract(s, who(s, "arch"), req.id, rid, reader="zhao", description="第2页第3段",
                                       kind="copy", copies=2)
        assert ex.secrecy == "secret" and extracts.copies_of(s, rid) == 2
        assert [e.id for e in extracts.extracts_of(s, who(s, "zhao"), req.id)] == [ex.id]
        with pytest.raises(NotFound):  # another staff member: the request does not exist for them
            extracts.extracts_of(s, who(s, "li"), req.id)


def test_a_record_raised_to_top_secret_after_approval_yields_no_extract(sqlite_catalog):
    from archive.models import Record

    with sqlite_catalog.session() as s:
        w = world(s)
        rid = w["records"]["secret"]
        req = requests.create_request(s, who(s, "qian"), purpose="摘抄", form="reading_room", record_ids=[rid],
                                      extract=True)
        requests.approve(s, who(s, "leader"), req.id)
        s.get(Record, rid).secrecy = "top_secret"
        s.flush()
        with pytest.raises(Forbidden):
            extracts.register_extract(s, who(s, "arch"), req.id, rid, reader="qian", description="第1页")


def test_grants_open_approved_requests_and_close_issued_ones(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        req = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic",
                                      record_ids=[w["records"]["internal"]])
        with pytest.raises(Conflict):  # not approved yet
            viewing.issue_grants(s, who(s, "arch"), req.id)
        requests.approve(s, who(s, "head_ylk"), req.id)
        with pytest.raises(Conflict):  # nothing issued to close
            viewing.close_viewing(s, who(s, "arch"), req.id)
        viewing.issue_grants(s, who(s, "arch"), req.id)
        with pytest.raises(Forbidden):
            viewing.close_viewing(s, who(s, "wang"), req.id)
        assert viewing.close_viewing(s, who(s, "arch"), req.id).status == "closed"


def test_a_grant_opens_nothing_once_the_record_became_top_secret_or_personnel(sqlite_catalog):
    from archive.models import Record

    with sqlite_catalog.session() as s:
        w = world(s)
        secret, internal = w["records"]["secret"], w["records"]["internal"]
        raised = requests.create_request(s, who(s, "qian"), purpose="查考", form="electronic", record_ids=[secret])
        requests.approve(s, who(s, "leader"), raised.id)
        viewing.issue_grants(s, who(s, "arch"), raised.id)
        assert viewing.view_page(s, who(s, "qian"), secret, 1, blank_page)
        s.get(Record, secret).secrecy = "top_secret"
        s.flush()
        with pytest.raises(Forbidden):  # top secret: the reading room only, whatever grant is held
            viewing.view_page(s, who(s, "qian"), secret, 1, blank_page)
        moved = requests.create_request(s, who(s, "wang"), purpose="查考", form="electronic", record_ids=[internal])
        requests.approve(s, who(s, "head_ylk"), moved.id)
        viewing.issue_grants(s, who(s, "arch"), moved.id)
        s.get(Record, internal).category_code = "RS"
        s.flush()
        with pytest.raises(Forbidden):  # a personnel file: the reading room only
            viewing.view_page(s, who(s, "wang"), internal, 1, blank_page)


def test_readers_of_a_confidential_record_are_listed(sqlite_catalog):
    with sqlite_catalog.session() as s:
        w = world(s)
        rid = w["records"]["confidential"]
        req = requests.create_request(s, who(s, "zhao"), purpose="查考", form="electronic", record_ids=[rid])
        requests.approve(s, who(s, "leader"), req.id)
        viewing.issue_grants(s, who(s, "arch"), req.id, hours=2)
        viewing.view_page(s, who(s, "zhao"), rid, 1, blank_page)
        readers = viewing.readers_of(s, who(s, "aud"), rid)
        assert {(r["reader"], r["what"]) for r in readers} == {("zhao", "grant"), ("zhao", "page_view")}
        with pytest.raises(Forbidden):
            viewing.readers_of(s, who(s, "wang"), rid)


def test_labels_pdf_and_declared_relations(sqlite_catalog):
    import pypdf

    from archive.lending import labels, relations, store

    with sqlite_catalog.session() as s:
        w = world(s)
        store.shelve(s, who(s, "arch"), w["volumes"]["internal"], "A-01-01-01-01")
        pdf = pypdf.PdfReader(io.BytesIO(labels.labels_pdf(s, who(s, "arch"), volume_ids=[w["volumes"]["internal"]],
                                                          shelves=["A-01-01-01-02"])))
        text = pdf.pages[0].extract_text()
        assert "A-01-01-01-02" in text and "VOLTITLE" not in text
        with pytest.raises(Forbidden):
            labels.labels_pdf(s, who(s, "wang"), shelves=["A-01"])
        relations.declare(s, who(s, "wang"), "self", "110101199003071234", "王某")
        with pytest.raises(Forbidden):  # only the security officer declares for someone else
            relations.declare(s, who(s, "wang"), "spouse", "110101199003071234", username="li")
        relations.declare(s, who(s, "sec"), "spouse", "110101199003071234", username="li")
        assert [r.relation for r in relations.relations_of(s, who(s, "wang"))] == ["self"]
        assert [r.relation for r in relations.relations_of(s, who(s, "sec"), "li")] == ["spouse"]
        with pytest.raises(Forbidden):  # nor reads another's declarations
            relations.relations_of(s, who(s, "wang"), "li")


def test_personnel_pages_only_in_the_reading_room_under_a_grant(sqlite_catalog):
    from archive.models import Page
    from tests.catalog.helpers import make_record

    with sqlite_catalog.session() as s:
        w = world(s)
        rec = make_record(s, w["fonds"], category_code="RS", secrecy="internal", department="", title="王某人事档案",
                          person_id_number="110101199003071234")
        s.add(Page(record_id=rec.id, page_no=1))
        with pytest.raises(Forbidden):  # internal content, but a personnel file: not without a grant
            viewing.view_page(s, who(s, "wang"), rec.id, 1, blank_page)
        req = requests.create_request(s, who(s, "wang"), purpose="考察", form="reading_room", record_ids=[rec.id],
                                      readers=["wang", "li"])
        requests.approve(s, who(s, "office"), req.id)
        viewing.issue_grants(s, who(s, "arch"), req.id)
        with pytest.raises(Forbidden):
            viewing.view_page(s, who(s, "wang"), rec.id, 1, blank_page, place="electronic")
        assert viewing.view_page(s, who(s, "li"), rec.id, 1, blank_page, place="reading_room")
        assert not viewing.may_download(s, who(s, "wang"), rec.id)
