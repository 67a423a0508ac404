"""Trimming: a record the viewer may not see changes nothing they get back.

The property test indexes random records, searches as a random user, removes every record
that `archive.policy` hides from that user, searches again and requires identical output:
hits (ids, titles, scores, snippets and their pages), totals, facet counts, cursor, suggestions.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.codes import SECRECY_ORDER, Role
from archive.policy import Viewer, can_see, record_filter
from search.model import FACET_FIELDS, PageText, SearchDocument, SearchQuery
from tests.search.conftest import BACKENDS, viewer
from tests.search.samples import DOCS

WORDS = [
    "社会保险",
    "養老保險",
    "档案",
    "檔案管理",
    "工伤认定",
    "张伟",
    "李秀英",
    "2018",
    "吉人社办字〔2018〕56号",
    "失业保险金",
    "人事",
]
NAMES = ["张伟", "张三", "李秀英", "王建国", ""]
DEPTS = ["", "办公室", "人事科", "养老保险科"]
CATS = ["WS", "SB", "RS"]
MAX_ID = 12


@st.composite
def documents(draw) -> list[SearchDocument]:
    ids = draw(st.lists(st.integers(1, MAX_ID), min_size=1, max_size=MAX_ID, unique=True))
    docs = []
    for i in ids:
        secrecy = draw(st.sampled_from([s.value for s in SECRECY_ORDER]))
        status = draw(st.sampled_from(["filed", "filed", "filed", "destroyed"]))
        bare = secrecy == "top_secret" or status == "destroyed"
        title = "" if bare else "".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2)))
        pages = (
            ()
            if bare
            else tuple(
                PageText(n + 1, "，".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))))
                for n in range(draw(st.integers(0, 2)))
            )
        )
        docs.append(
            SearchDocument(
                id=i,
                title=title,
                person_name="" if bare else draw(st.sampled_from(NAMES)),
                category=draw(st.sampled_from(CATS)),
                year=draw(st.sampled_from(["2018", "2019"])),
                secrecy=secrecy,
                department=draw(st.sampled_from(DEPTS)),
                status=status,
                doc_type=draw(st.sampled_from(["", "通知", "决定"])),
                doc_date=draw(st.sampled_from([None, "2018-05-01", "2019-05-01"])),
                archival_code=draw(st.sampled_from(["", f"J001-WS·2018-Y-{i:04d}"])),
                pages=pages,
            )
        )
    return docs


users = st.builds(
    lambda role, clearance, cats, depts: Viewer("u", role, clearance, frozenset(depts), frozenset(cats)),
    st.sampled_from([Role.STAFF, Role.ARCHIVIST, Role.DEPT_HEAD, Role.AUDITOR, Role.SYSADMIN]),
    st.sampled_from(SECRECY_ORDER),
    st.lists(st.sampled_from(CATS), max_size=2, unique=True),
    st.lists(st.sampled_from(DEPTS[1:]), max_size=2, unique=True),
)
queries = st.tuples(
    st.sampled_from(["", *WORDS, "社会 档案", "保险", "檔"]),
    st.sampled_from(["relevance", "date", "archival_code"]),
    st.integers(1, 5),
    st.booleans(),
)


def outputs(index, user: Viewer, q: tuple) -> dict:
    text, sort, size, destroyed = q
    query = SearchQuery(user, text, facets=FACET_FIELDS, sort=sort, size=size, include_destroyed=destroyed)
    first = index.search(query)
    pages = [dataclasses.replace(first, took_ms=0)]
    if first.cursor:  # the next page too: cursors must not depend on hidden records either
        pages.append(
            dataclasses.replace(
                index.search(dataclasses.replace(query, search_after=first.cursor)), took_ms=0
            )
        )
    return {
        "pages": pages,
        "names": [index.suggest(p, user) for p in ("张", "李", "王")],
        "titles": [index.suggest(p, user, "title") for p in ("社会", "档案", "吉人")],
    }


def check_trimming(index, docs: list[SearchDocument], user: Viewer, q: tuple) -> None:
    present = {i for i, _ in index.digests()}
    index.bulk(docs)
    for stale in present - {d.id for d in docs}:
        index.delete(stale)
    access = record_filter(user, include_destroyed=q[3])
    with_hidden = outputs(index, user, q)
    hidden = [d for d in docs if not access.matches(d)]
    for d in hidden:
        assert d.status == "destroyed" or not can_see(user, d)  # the filter and the policy agree
        index.delete(d.id)
    assert outputs(index, user, q) == with_hidden
    for d in hidden[:1]:  # and adding one back changes nothing either
        index.index(d)
        assert outputs(index, user, q) == with_hidden


EMBEDDED = ["embedded", "tantivy"]  # on-disk backends: cheap enough for many examples
SETTINGS = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.mark.parametrize("backend", EMBEDDED)
@settings(max_examples=400, **SETTINGS)
@given(docs=documents(), user=users, q=queries)
def test_hidden_records_change_nothing_embedded(shared_index, docs, user, q):
    check_trimming(shared_index, docs, user, q)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in EMBEDDED])
@settings(max_examples=60, **SETTINGS)
@given(docs=documents(), user=users, q=queries)
def test_hidden_records_change_nothing_elasticsearch(shared_index, docs, user, q):
    check_trimming(shared_index, docs, user, q)


@pytest.fixture
def shared_index(make_index):
    return make_index()


# --- the translation, case by case ------------------------------------------------------------


def visible_ids(index, who) -> set[int]:
    return {h.id for h in index.search(SearchQuery(who, "", size=100)).hits}


def expected(who, include_destroyed=False) -> set[int]:
    access = record_filter(who, include_destroyed=include_destroyed)
    return {d.id for d in DOCS if access.matches(d)}


@pytest.mark.parametrize(
    "who",
    [
        viewer("staff", "public"),
        viewer("staff", "internal"),
        viewer("staff", "secret", departments=("养老保险科",)),
        viewer("dept_head", "confidential", categories=("SB", "RS")),
        viewer("archivist", "top_secret"),
        viewer("auditor", "internal", categories=("AJ",)),
    ],
)
def test_access_filter_translated_exactly(loaded, who):
    got = visible_ids(loaded, who)
    assert got == expected(who)
    res = loaded.search(SearchQuery(who, "", facets=("secrecy",), size=1))
    assert res.total == len(got)
    assert sum(c for _, c in res.facets["secrecy"]) == len(got)


def test_records_without_department_match_every_department_scope(loaded):
    who = viewer("staff", "internal", departments=("人事科",))
    got = visible_ids(loaded, who)
    assert 13 in got  # 政府信息公开指南: no owning department
    assert 1 not in got  # 办公室
    assert 9 in got


def test_roles_without_holdings_see_nothing(loaded):
    for role in ("sysadmin",):
        res = loaded.search(SearchQuery(viewer(role, "top_secret"), "", facets=("category",)))
        assert res.total == 0 and res.hits == () and res.facets == {"category": []}
        assert loaded.suggest("李", viewer(role, "top_secret")) == []


def test_destroyed_only_on_request(loaded):
    who = viewer("archivist", "confidential")
    assert 31 not in visible_ids(loaded, who)
    res = loaded.search(SearchQuery(who, "", include_destroyed=True, size=100))
    assert 31 in {h.id for h in res.hits}
    assert {h.id for h in res.hits} == expected(who, include_destroyed=True)


def test_snippets_need_the_right_to_read_content(loaded):
    # a staff member cleared for secrets may learn the record exists, but reads no text without a grant
    staff = loaded.search(SearchQuery(viewer("staff", "secret"), "养老保险基金")).hits
    hit = next(h for h in staff if h.id == 4)
    assert hit.title and hit.snippets == ()
    archivist = loaded.search(SearchQuery(viewer("archivist", "secret"), "养老保险基金")).hits
    assert next(h for h in archivist if h.id == 4).snippets
