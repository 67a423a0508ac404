"""Search is no content oracle (issue 12, finding 7).

Where a viewer may see a record but not read its content (a personnel file for anyone but the
archivist, a secret record for staff without a grant), only its catalogue fields match: its page
text and identity number change nothing the viewer gets back, on every backend.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archive.codes import SECRECY_ORDER, RecordStatus, Role
from archive.policy import Action, Viewer, allowed_actions, content_filter, record_filter
from search.model import FACET_FIELDS, PageText, SearchDocument, SearchQuery
from tests.search.conftest import BACKENDS, viewer

ID_NUMBER = "532621198703150028"
PERSONNEL = SearchDocument(
    id=3, title="张建华干部人事档案", category="RS", secrecy="internal", person_name="张建华",
    person_id=ID_NUMBER, archival_code="J001-RS·2019-Y-0003", year="2019", fonds="J001",
    personnel_class="一", doc_date="2019-06-01",
    pages=(
        PageText(1, f"姓名：张建华 公民身份号码：{ID_NUMBER}"),
        PageText(2, "出生年月：1987年3月 政治面貌：中共党员 籍贯：云南文山"),
    ),
)  # fmt: skip
SECRET_REPORT = SearchDocument(
    id=4, title="养老保险基金审计报告", category="SB", secrecy="secret", year="2020", fonds="J001",
    pages=(PageText(1, "审计发现挪用资金三百万元"),),
)  # fmt: skip
NOTICE = SearchDocument(
    id=5, title="关于中共党员学习教育的通知", category="WS", secrecy="internal", year="2021", fonds="J001",
    pages=(PageText(1, "全体中共党员参加学习，云南文山分会场。"),),
)  # fmt: skip

STAFF = viewer("staff", "internal")  # sees 3 and 5, reads 5 only
STAFF_SECRET = viewer("staff", "secret")  # sees all three, reads 5 only
ARCHIVIST = viewer("archivist", "secret")  # keeps the files: reads all three


@pytest.fixture
def holding(make_index):
    index = make_index()
    index.bulk([PERSONNEL, SECRET_REPORT, NOTICE])
    return index


def found(index, who: Viewer, text: str = "", **filters) -> tuple[int, set[int], dict]:
    res = index.search(SearchQuery(who, text, filters=filters, facets=FACET_FIELDS, size=50))
    return res.total, {h.id for h in res.hits}, res.facets


def test_the_issues_attack_an_id_number_within_a_personnel_file_is_not_confirmed(holding):
    """`q=<ID number>&id=3` answered 1 (right number) or 0 (wrong one) for a file whose pages return 403."""
    for text in (ID_NUMBER, "中共党员", "1987年3月", "云南文山"):
        total, ids, facets = found(holding, STAFF, text, id="3")
        assert (total, ids) == (0, set()), text
        assert all(values == [] for values in facets.values())
    assert found(holding, STAFF, "", person_id=ID_NUMBER)[:2] == (0, set())  # the filter is no oracle either
    assert found(holding, STAFF, "", person_id="532621198703150010")[:2] == (0, set())
    # The catalogue card still finds it: name, title words, archival code.
    assert found(holding, STAFF, "张建华", id="3")[:2] == (1, {3})
    assert found(holding, STAFF, "人事档案")[1] == {3}
    assert found(holding, STAFF, "J001-RS·2019-Y-0003")[1] == {3}
    # Text of a record the viewer reads still matches.
    assert found(holding, STAFF, "中共党员")[1] == {5}
    # The archivist who keeps personnel files finds it by its content.
    assert found(holding, ARCHIVIST, ID_NUMBER, id="3")[:2] == (1, {3})
    assert found(holding, ARCHIVIST, "", person_id=ID_NUMBER)[1] == {3}
    assert found(holding, ARCHIVIST, "中共党员")[1] == {3, 5}


def test_a_secret_records_text_does_not_match_for_a_reader_without_a_grant(holding):
    assert found(holding, STAFF_SECRET, "挪用资金")[:2] == (0, set())
    assert found(holding, STAFF_SECRET, "审计报告")[1] == {4}
    assert found(holding, ARCHIVIST, "挪用资金")[1] == {4}


def test_scores_do_not_reveal_the_identity_number(holding):
    """The whole query equal to the identity number once scored SCORE_KEY, visible in `score` and order."""
    by_name = holding.search(SearchQuery(STAFF, "张建华")).hits
    text = f"张建华 {ID_NUMBER}"
    assert holding.search(SearchQuery(STAFF, text)).hits == ()
    assert by_name[0].score == holding.search(SearchQuery(STAFF_SECRET, "张建华")).hits[0].score


# --- the policy as data, and the property over every backend -----------------------------------

CATS = ["WS", "SB", "RS", "AJ"]
DEPTS = ["", "办公室", "人事科"]
viewers = st.builds(
    lambda role, clearance, cats, depts: Viewer("u", role, clearance, frozenset(depts), frozenset(cats)),
    st.sampled_from(list(Role)),
    st.sampled_from(SECRECY_ORDER),
    st.lists(st.sampled_from(CATS), max_size=2, unique=True),
    st.lists(st.sampled_from(DEPTS[1:]), max_size=1, unique=True),
)


@dataclasses.dataclass(frozen=True)
class Row:
    secrecy: str
    category_code: str
    department: str
    status: str


rows = st.builds(
    Row,
    st.sampled_from([s.value for s in SECRECY_ORDER]),
    st.sampled_from(CATS),
    st.sampled_from(DEPTS),
    st.sampled_from([s.value for s in RecordStatus]),
)


@settings(max_examples=600, deadline=None, database=None)
@given(who=viewers | st.just(Viewer.process("indexer")), row=rows)
def test_content_filter_is_the_policys_view_content(who, row):
    """The filter the backends translate says exactly what `allowed_actions` says (no grant)."""
    readable = record_filter(who, include_destroyed=True).matches(row) and content_filter(who).matches(row)
    assert readable == (Action.VIEW_CONTENT in allowed_actions(who, row))


# A small holding whose catalogue fields and readable texts share words with the hidden texts, so a
# hidden text that matched would move a total, a facet, a score or the order.
WORDS = ["中共党员", "社会保险", "云南文山", "挪用资金", "张建华", "1987年3月", "人事档案", "养老保险"]
ID_NUMBERS = [ID_NUMBER, "53262119850315123X", "110101199001011234", ""]
BASE = [
    PERSONNEL,
    SECRET_REPORT,
    NOTICE,
    SearchDocument(id=6, title="社会保险费征缴通知", category="SB", secrecy="public", year="2019", department="办公室",
                   pages=(PageText(1, "养老保险和社会保险费征缴，张建华经办。"),)),
    SearchDocument(id=7, title="李秀英人事档案", category="RS", secrecy="secret", person_name="李秀英",
                   person_id="53262119900101002X", year="2018", department="人事科",
                   pages=(PageText(1, "李秀英 政治面貌：群众"),)),
    SearchDocument(id=8, title="干部任免审批表", category="RS", secrecy="confidential", person_name="张建华",
                   year="2020", pages=(PageText(1, "中共党员 云南文山"),)),
    SearchDocument(id=9, title="机要文件", category="WS", secrecy="confidential", year="2021", department="办公室",
                   pages=(PageText(1, "挪用资金 社会保险"),)),
]  # fmt: skip
TARGETS = [d for d in BASE if d.secrecy != "top_secret"]
hidden_texts = st.tuples(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("，".join), max_size=2),
    st.sampled_from(ID_NUMBERS),
)
queries = st.lists(
    st.tuples(
        st.sampled_from(["", *WORDS, *ID_NUMBERS[:3], "社会 档案", "张建华 532621198703150028"]),
        st.sampled_from(["", "id", "person_id"]),
        st.sampled_from(["relevance", "date", "archival_code"]),
    ),
    min_size=1,
    max_size=4,
)


def with_hidden(doc: SearchDocument, hidden: tuple[list[str], str]) -> SearchDocument:
    pages, id_number = hidden
    return dataclasses.replace(doc, pages=tuple(PageText(n, t) for n, t in enumerate(pages, 1)), person_id=id_number)


def outputs(index, who: Viewer, target: SearchDocument, hiddens, qs) -> list:
    """Everything the viewer gets back, for their queries and the attacks on the target's hidden texts."""
    attacks = [(ID_NUMBERS[0], "id", "relevance"), ("", "person_id", "date")]
    for words, id_number in hiddens:
        attacks += [(id_number, "", "relevance"), *((w, "id", "relevance") for w in words)]
    out = []
    for text, filter_name, sort in [*qs, *attacks]:
        filters = {}
        if filter_name == "id":
            filters = {"id": str(target.id)}
        elif filter_name == "person_id":
            filters = {"person_id": [h[1] for h in hiddens if h[1]] or [ID_NUMBERS[0]]}
        query = SearchQuery(who, text, filters=filters, facets=FACET_FIELDS, sort=sort, size=3)
        first = index.search(query)
        out.append(dataclasses.replace(first, took_ms=0))
        if first.cursor:
            out.append(dataclasses.replace(index.search(dataclasses.replace(query, search_after=first.cursor)),
                                           took_ms=0))
    out.append([index.suggest(p, who) for p in ("张", "李")])
    return out


def check_hidden_text_changes_nothing(index, who, target, a, b, qs) -> None:
    index.index(with_hidden(target, a))
    seen = outputs(index, who, target, (a, b), qs)
    index.index(with_hidden(target, b))
    assert outputs(index, who, target, (a, b), qs) == seen


@pytest.fixture
def base_index(make_index):
    index = make_index()
    index.bulk(BASE)
    return index


EMBEDDED = ["embedded", "tantivy"]
SETTINGS = dict(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], database=None
)


def _run(base_index, who, target, a, b, qs):
    assume(Action.VIEW_CONTENT not in allowed_actions(who, target))
    check_hidden_text_changes_nothing(base_index, who, target, a, b, qs)


@pytest.mark.parametrize("backend", ["embedded"])
@settings(max_examples=150, **SETTINGS)
@given(who=viewers, target=st.sampled_from(TARGETS), a=hidden_texts, b=hidden_texts, qs=queries)
def test_hidden_text_changes_nothing_embedded(base_index, who, target, a, b, qs):
    _run(base_index, who, target, a, b, qs)


@pytest.mark.parametrize("backend", ["tantivy"])  # a tantivy commit costs most of an example
@settings(max_examples=40, **SETTINGS)
@given(who=viewers, target=st.sampled_from(TARGETS), a=hidden_texts, b=hidden_texts, qs=queries)
def test_hidden_text_changes_nothing_tantivy(base_index, who, target, a, b, qs):
    _run(base_index, who, target, a, b, qs)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in EMBEDDED])
@settings(max_examples=80, **SETTINGS)
@given(who=viewers, target=st.sampled_from(TARGETS), a=hidden_texts, b=hidden_texts, qs=queries)
def test_hidden_text_changes_nothing_elasticsearch(base_index, who, target, a, b, qs):
    _run(base_index, who, target, a, b, qs)


@pytest.mark.parametrize("backend", EMBEDDED)
def test_the_property_would_catch_a_content_match(base_index):
    """The property's own check: for a viewer who reads the target, hidden text does change results."""
    a, b = (["中共党员"], ID_NUMBER), (["养老保险"], "")
    with pytest.raises(AssertionError):
        check_hidden_text_changes_nothing(base_index, ARCHIVIST, PERSONNEL, a, b, [("中共党员", "", "relevance")])


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b not in EMBEDDED])
def test_an_index_built_without_the_catalogue_view_is_refused(request, backend):
    """Its catalogue fields hold the identity number; it must be rebuilt (`archive reindex`) first."""
    from search.elastic import ElasticsearchIndex, mappings
    from search.model import IndexUnavailable
    from tests.search.conftest import _drop, es_options

    old = mappings()
    del old["properties"]["cat_skips"]
    alias = f"test-old-{backend}"
    options = es_options(request, backend)
    index = ElasticsearchIndex(alias=alias, refresh_writes=True, **options)
    request.addfinalizer(lambda: _drop(index))
    index.es.indices.create(index=f"{alias}-v1", mappings=old, aliases={alias: {}})
    with pytest.raises(IndexUnavailable, match="reindex"):
        index.search(SearchQuery(STAFF, ID_NUMBER))
    index.rebuild([PERSONNEL])
    assert index.search(SearchQuery(STAFF, ID_NUMBER)).total == 0
