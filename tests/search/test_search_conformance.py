"""One behaviour, every backend: what a search must do whatever engine is behind it."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.errors import ValidationError
from search.model import LeakError, PageText, SearchDocument, SearchQuery
from tests.search.conftest import ALL, viewer
from tests.search.samples import BY_ID, DOCS, RELEVANCE


def ids(index, text="", who=ALL, **kw) -> list[int]:
    return [h.id for h in index.search(SearchQuery(who, text, size=50, **kw)).hits]


def test_relevance_set_recall_at_10(loaded):
    found = 0
    expected = 0
    misses = []
    for text, wanted in RELEVANCE:
        top = set(ids(loaded, text)[:10])
        found += len(wanted & top)
        expected += len(wanted)
        if wanted - top:
            misses.append((text, wanted - top))
    assert len(RELEVANCE) >= 30
    assert found / expected >= 0.95, misses


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("檔案", 2),  # traditional query, traditional text
        ("档案管理", 2),  # simplified query finds the traditional page
        ("职业技能培训补贴", 15),
        ("社會保險費徵繳", 3),  # traditional query finds simplified text
    ],
)
def test_simplified_and_traditional_meet(loaded, text, wanted):
    assert wanted in ids(loaded, text)


def test_full_and_half_width_fold(loaded):
    assert 8 in ids(loaded, "ABC科技")  # the page has ＡＢＣ
    assert 8 in ids(loaded, "ａｂｃ科技")
    assert 4 in ids(loaded, "5678万元")  # the page has ５６７８
    assert 10 in ids(loaded, "２０２１年１月１日")


@pytest.mark.parametrize("form", ["〔2018〕", "[2018]", "［2018］", "【2018】", "(2018)", "（2018）"])
def test_document_number_bracket_variants(loaded, form):
    hits = loaded.search(SearchQuery(ALL, f"吉人社办字{form}56号")).hits
    assert hits and hits[0].id == 1
    # the OCR text of record 3 has ［2019］; any form finds it
    assert ids(loaded, f"文人社发{form.replace('2018', '2019')}12号")[0] == 3


def test_identity_number_x_or_X_and_exact_field_ranks_first(loaded):
    lower = ids(loaded, "53262119850315123x")
    upper = ids(loaded, "53262119850315123X")
    assert lower == upper and set(lower[:2]) == {9, 25}
    assert ids(loaded, "53262119850315123", filters={"person_id": "53262119850315123x"}) == []
    assert set(ids(loaded, "", filters={"person_id": "53262119850315123x"})) == {9, 25}


def test_person_names(loaded):
    assert set(ids(loaded, "李秀英")) == {22, 30}
    assert set(ids(loaded, "", filters={"person_name": "李秀英"})) == {22, 30}
    top = loaded.search(SearchQuery(ALL, "陈静")).hits
    assert {h.id for h in top} == {8, 24}
    assert top[0].score > 1  # exact name field match scores above a text-only match


def test_one_misread_character_still_found(loaded):
    # record 7 reads 社会保陰基金 (OCR misread of 险)
    assert 7 in ids(loaded, "社会保险基金")
    assert 7 in ids(loaded, "保险基金管理")
    hits = loaded.search(SearchQuery(ALL, "社会保险基金")).hits
    exact_first = [h.id for h in hits]
    assert exact_first.index(7) >= 0
    snippet = next(h for h in hits if h.id == 7).snippets[0]
    assert "<em>社会保陰基金</em>" in snippet.html and snippet.page == 1
    # short terms need every character: a two-character term does not match one character off
    assert 7 not in ids(loaded, "陰影")


def test_highlight_with_page_number_and_escaping(make_index):
    index = make_index()
    index.bulk(
        [
            SearchDocument(id=1, title="测试", secrecy="internal", category="WS", pages=()),
            SearchDocument(
                id=2,
                title="<script>标题</script>",
                secrecy="internal",
                category="WS",
                pages=(
                    PageText(1, "第一页没有。"),
                    PageText(2, "a<b & 失业\n保险金 申领"),
                ),
            ),
        ]
    )
    hit = index.search(SearchQuery(ALL, "失业保险金")).hits[0]
    assert hit.id == 2 and hit.page == 2
    assert hit.snippets[0].html == "a&lt;b &amp; <em>失业 保险金</em> 申领"
    title_hit = index.search(SearchQuery(ALL, "标题")).hits[0]
    assert title_hit.snippets[0].page is None and "&lt;script&gt;<em>标题</em>" in title_hit.snippets[0].html


def test_facets_over_the_filtered_set(loaded):
    res = loaded.search(SearchQuery(ALL, "", facets=("category", "year", "secrecy", "business_step")))
    visible = [d for d in DOCS if d.status != "destroyed"]
    assert res.total == len(visible)
    assert dict(res.facets["category"]) == {
        c: sum(d.category == c for d in visible) for c in {d.category for d in visible}
    }
    assert dict(res.facets["business_step"])["养老待遇"] == 1
    counts = [c for _, c in res.facets["year"]]
    assert counts == sorted(counts, reverse=True)
    narrowed = loaded.search(SearchQuery(ALL, "", filters={"category": "SB"}, facets=("category", "year")))
    assert narrowed.facets["category"] == [("SB", narrowed.total)]
    staff = loaded.search(SearchQuery(viewer("staff", "internal"), "", facets=("secrecy",)))
    assert {v for v, _ in staff.facets["secrecy"]} <= {"public", "internal"}


def test_date_range(loaded):
    got = set(ids(loaded, "", date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31)))
    want = {
        d.id for d in DOCS if d.doc_date and "2022" <= d.doc_date[:4] <= "2022" and d.status != "destroyed"
    }
    assert got == want and got
    assert ids(loaded, "", date_from=dt.date(2030, 1, 1)) == []


def test_sorting(loaded):
    by_date = loaded.search(SearchQuery(ALL, "", sort="date", size=50)).hits
    dates = [h.doc_date or "" for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_code = loaded.search(SearchQuery(ALL, "", sort="archival_code", size=50)).hits
    codes = [h.archival_code for h in by_code]
    assert codes == sorted(codes)
    rel = loaded.search(SearchQuery(ALL, "关于 通知", size=50)).hits
    assert [h.score for h in rel] == sorted((h.score for h in rel), reverse=True)


def test_deep_paging_with_cursor_and_pages(loaded):
    everything = ids(loaded, "", sort="date")
    seen, cursor = [], None
    while True:
        res = loaded.search(SearchQuery(ALL, "", sort="date", size=4, search_after=cursor))
        seen += [h.id for h in res.hits]
        cursor = res.cursor
        if cursor is None:
            break
    assert seen == everything
    page2 = loaded.search(SearchQuery(ALL, "", sort="date", size=4, page=2)).hits
    assert [h.id for h in page2] == everything[4:8]
    for sort in ("relevance", "archival_code"):
        first = loaded.search(SearchQuery(ALL, "工作", sort=sort, size=3))
        rest = loaded.search(SearchQuery(ALL, "工作", sort=sort, size=50, search_after=first.cursor))
        assert [h.id for h in first.hits + rest.hits] == ids(loaded, "工作", sort=sort)


def test_suggestions(loaded):
    assert loaded.suggest("李", ALL) == ["李秀英"]
    assert loaded.suggest("张", ALL, "person_name") == ["张伟"]
    assert "关于做好高校毕业生就业创业工作的通知" in loaded.suggest("关于做好", ALL, "title")
    assert loaded.suggest("檔案", ALL, "title") == ["檔案管理辦法"]
    # trimmed: a viewer limited to WS sees no personnel or insurance names
    assert loaded.suggest("李", viewer(categories=("WS",))) == []
    with pytest.raises(ValidationError):
        loaded.suggest("李", ALL, "secrecy")


def test_search_within_one_record(loaded):
    res = loaded.search(SearchQuery(ALL, "社会保险", filters={"id": "1"}))
    assert [h.id for h in res.hits] == [1] and res.total == 1
    assert [s.page for s in res.hits[0].snippets] == [1, 2] or res.hits[0].snippets[0].page == 2


@pytest.mark.parametrize(
    "text",
    [
        '"(*:AND~^',
        'he said "unbalanced',
        "((( ]]]",
        "title:档案 OR 1=1",
        "\\",
        "*",
        "'; DROP TABLE docs; --",
        "NEAR(a b)",
        "档案*",
    ],
)
def test_query_syntax_is_just_text(loaded, text):
    res = loaded.search(SearchQuery(ALL, text, facets=("category",)))
    assert res.total >= 0


def test_bad_input_is_a_clear_error(loaded):
    assert loaded.search(SearchQuery(ALL, "")).total == len([d for d in DOCS if d.status != "destroyed"])
    assert loaded.search(SearchQuery(ALL, "   ")).total > 0
    with pytest.raises(ValidationError, match="characters"):
        SearchQuery(ALL, "档" * 10_000)
    with pytest.raises(ValidationError, match="unknown filter"):
        SearchQuery(ALL, "x", filters={"color": "red"})
    with pytest.raises(ValidationError):
        SearchQuery(ALL, "x", facets=("title",))
    with pytest.raises(ValidationError):
        SearchQuery(ALL, "x", sort="random")
    with pytest.raises(ValidationError):
        SearchQuery(ALL, "x", page=10_000)
    with pytest.raises(ValidationError):
        loaded.search(SearchQuery(ALL, "x", search_after="not-a-cursor"))


def test_top_secret_never_carries_title_or_text(make_index):
    index = make_index()
    with pytest.raises(LeakError):
        index.index(SearchDocument(id=1, title="绝密标题", secrecy="top_secret"))
    with pytest.raises(LeakError):
        index.bulk([SearchDocument(id=2, secrecy="top_secret", pages=(BY_ID[1].pages[0],))])
    index.index(
        SearchDocument(id=3, secrecy="top_secret", archival_code="J001-WS·2017-Y-0003", category="WS")
    )
    assert index.count() == 1
    res = index.search(SearchQuery(viewer(clearance="top_secret"), "J001-WS·2017-Y-0003"))
    assert [h.id for h in res.hits] == [3] and res.hits[0].title == ""


def test_index_delete_rebuild_health(make_index):
    index = make_index()
    assert index.health().ok and index.count() == 0
    index.bulk(DOCS[:5])
    index.index(DOCS[5])
    assert index.count() == 6
    changed = SearchDocument(**{**BY_ID[1].__dict__, "title": "新的题名"})
    index.index(changed)
    assert index.count() == 6 and ids(index, "新的题名") == [1]
    assert index.get(1).title == "新的题名"
    index.delete(2)
    index.delete(2)  # deleting twice is fine
    assert index.count() == 5 and index.get(2) is None
    assert dict(index.digests())[1] == changed.digest
    assert index.rebuild(DOCS) == len(DOCS)
    assert index.count() == len(DOCS) and index.get(1).title == BY_ID[1].title
    assert ids(index, "檔案管理") == [2]
    assert index.health().ok and index.health().documents == len(DOCS)


def _misread_holding() -> list[SearchDocument]:
    exact = [
        SearchDocument(id=i, title=f"第{i}号", category="WS", secrecy=level, pages=(PageText(1, "办理社会保险登记"),))
        for i, level in enumerate(("internal", "internal", "secret", "secret", "secret"), start=1)
    ]
    misread = SearchDocument(id=9, title="第9号", category="WS", pages=(PageText(1, "办理社会保硷登记"),))
    return [*exact, misread]


def test_misread_variants_are_left_out_when_the_exact_form_is_common(make_index, monkeypatch):
    index = make_index()
    index.bulk(_misread_holding())
    staff = viewer(clearance="internal")  # sees ids 1, 2 and the misread 9
    cleared = viewer(clearance="secret")  # sees all six

    def found(who):
        res = index.search(SearchQuery(who, "社会保险", facets=("secrecy",)))
        assert res.total == len(res.hits)
        return sorted(h.id for h in res.hits), dict(res.facets["secrecy"])

    def cutoff(n):
        for module in ("embedded", "tantivy_index", "elastic"):
            monkeypatch.setattr(f"search.{module}.MISREAD_CUTOFF", n)

    assert found(staff) == ([1, 2, 9], {"internal": 3})  # below the cutoff: the misread is found
    cutoff(3)
    # The cutoff counts what the viewer may see: two exact hits are not three, whatever the
    # secret records hold, so the staff member's answer does not change.
    assert found(staff) == ([1, 2, 9], {"internal": 3})
    # Five visible exact hits reach it: the variant is left out, with its count and facet.
    assert found(cleared) == ([1, 2, 3, 4, 5], {"internal": 2, "secret": 3})
    cutoff(6)
    assert found(cleared) == ([1, 2, 3, 4, 5, 9], {"internal": 3, "secret": 3})
