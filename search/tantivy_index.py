"""An embedded backend on tantivy (PyPI `tantivy`, Rust, on disk, no server).

Same analysis as the SQLite backend: the text is normalised and cut into bigrams, skip pairs
and trigrams in Python (search.analysis) and handed to tantivy as white-space separated
tokens. Scores are constant per clause (const-score queries, never BM25), so records a viewer
cannot see never move the ones they can.

Speed at a million records comes from never reading positions on the hot path: a Chinese
term of two characters is one bigram term, a longer one the conjunction of its trigrams, and
each one-misread-character variant a conjunction of such terms and, for a character inside
the term, its neighbours as a trigram pattern (`A.C` over the trigram dictionary: the skip
pair, without indexing skip pairs). Positional phrases remain only for mixed terms
(「2018〕56号」) and the title bonus (a short field).

Sorting: tantivy sorts by score or by one fast field. The tie-breakers are folded into fast
fields (`sortkey` = day << 32 | id for date order, `codekey` for archival-code order), and
relevance, whose scores take at most six values, is ordered in two steps: the top of the
window by score, then the records of the lowest score in the window by `sortkey`.

Crash safety: a tantivy commit is atomic (segments are written, then meta.json is replaced),
so a writer killed mid-commit leaves the last committed index. A rebuild writes a new
directory and switches the CURRENT pointer with an atomic rename.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import tantivy

from archive.policy import AccessFilter, Viewer, record_filter
from search import analysis
from search.highlight import make_hit
from search.index_files import Generations
from search.model import (
    FACET_FIELDS,
    FACET_SIZE,
    MISREAD_CUTOFF,
    SCORE_EXACT,
    SCORE_KEY,
    SCORE_MATCH,
    SCORE_TITLE,
    SECRECY_LEVELS,
    Health,
    IndexUnavailable,
    SearchDocument,
    SearchIndex,
    SearchQuery,
    SearchResult,
    check_suggest,
    decode_cursor,
    digest_of,
    encode_cursor,
    ensure_indexable,
)

ANALYZER_VERSION = "3"  # 2: one positional `all` field, trigrams; 3: the catalogue view `cat`, `cattri`
RAW_FIELDS = (
    "archival_code", "doc_no", "person_id", "category", "year", "retention", "secrecy", "fonds",
    "doc_type", "personnel_class", "business_step", "department", "status", "name_key", "title_key",
    "person_name_raw", "title_raw", "codekey",
)  # fmt: skip
FAST_FIELDS = set(FACET_FIELDS) | {"person_name_raw", "title_raw", "codekey"}
FIELD_GAP = " | "  # a token no query produces: phrases never run from one field into the next
FILTER_COLUMNS = {"person_name": "name_key"}
LEVELS = sorted(
    ((k, t, e) for k in (0, 1) for t in (0, 1) for e in (0, 1) if e or not t),  # title exact implies exact
    key=lambda lv: -(SCORE_KEY * lv[0] + SCORE_TITLE * lv[1] + SCORE_EXACT * lv[2]),
)
AGG_SIZE = 65_000
POOL_THRESHOLD = 2000  # rebuilds of at least this many records analyse in worker processes


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("day", indexed=True, fast=True)
    sb.add_integer_field("sortkey", indexed=True, fast=True)
    sb.add_integer_field("has_dept", indexed=True)
    # title alone for its bonus; title, filing data and pages in `all`; title and catalogue fields in
    # `cat`, the view matched where the viewer may not read the content; trigrams of each view
    for f in ("title", "all", "cat"):
        sb.add_text_field(f, tokenizer_name="whitespace", index_option="position")
    for f in ("tri", "cattri"):
        sb.add_text_field(f, tokenizer_name="whitespace", index_option="basic")
    for f in RAW_FIELDS:
        sb.add_text_field(f, fast=f in FAST_FIELDS, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("digest", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("src", stored=True)
    return sb.build()


SCHEMA = _schema()


def _day(doc_date: str | None) -> int:
    if not doc_date:
        return 0
    try:
        return dt.date.fromisoformat(doc_date[:10]).toordinal()
    except ValueError:
        return 0


def _codekey(code: str, record_id: int) -> str:
    return f"{0 if code else 1}{code}\x01{record_id:012d}"


TEXT_FIELDS = ("title", "all", "tri", "cat", "cattri")


def _texts(doc: SearchDocument) -> tuple[str, str, str, str, str]:
    """The token strings of a record (TEXT_FIELDS): title; all (title | catalogue | identity number
    | pages) and its trigrams; cat (title | catalogue) and its trigrams."""
    texts = (doc.title, doc.catalogue_text, doc.private_text, *(p.text for p in doc.pages))
    title, meta, idno, *pages = (analysis.grams(analysis.normalise(t)) for t in texts)
    body = " ".join(p[0] for p in pages)
    tri = " ".join(p[2] for p in (title, meta, idno, *pages))
    cat = FIELD_GAP.join((title[0], meta[0]))
    return title[0], FIELD_GAP.join((cat, idno[0], body)), tri, cat, " ".join((title[2], meta[2]))


def prepare(doc: SearchDocument) -> tuple:
    """Everything Python computes for a record (the analysis): picklable, so a pool can do it."""
    texts = _texts(doc)
    day = _day(doc.doc_date)
    values = {
        "name_key": analysis.key(doc.person_name),
        "title_key": analysis.key(doc.title),
        "person_name_raw": doc.person_name,
        "title_raw": doc.title,
        "codekey": _codekey(doc.archival_code, doc.id),
    }
    raw = tuple(values[f] if f in values else getattr(doc, f) for f in RAW_FIELDS)
    src = doc.canonical_json()  # stored, and fingerprinted once (not again through doc.digest)
    return doc.id, day, 1 if doc.department else 0, texts, raw, digest_of(src), src


def build(prepared: tuple) -> tantivy.Document:
    record_id, day, has_dept, texts, raw, digest, src = prepared
    d = tantivy.Document()
    d.add_integer("id", record_id)
    d.add_integer("day", day)
    d.add_integer("sortkey", (day << 32) | record_id)
    d.add_integer("has_dept", has_dept)
    for f, v in zip(TEXT_FIELDS, texts, strict=True):
        d.add_text(f, v)
    for f, v in zip(RAW_FIELDS, raw, strict=True):
        d.add_text(f, v)
    d.add_text("digest", digest)
    d.add_bytes("src", src)
    return d


def to_tantivy(doc: SearchDocument) -> tantivy.Document:
    """The tantivy document of a record (analysis in Python, the same as the SQLite backend)."""
    return build(prepare(doc))


def _checked_prepare(doc: SearchDocument) -> tuple:
    ensure_indexable(doc)
    return prepare(doc)


def _prepared(docs: Iterable[SearchDocument], workers: int) -> Iterator[tuple]:
    """Analysed documents in order; large inputs are analysed by a pool of processes."""
    it = iter(docs)
    head = list(itertools.islice(it, POOL_THRESHOLD))
    if workers <= 1 or len(head) < POOL_THRESHOLD:
        yield from map(_checked_prepare, itertools.chain(head, it))
        return
    ctx = multiprocessing.get_context("spawn")  # never fork a process that runs tantivy threads
    with ctx.Pool(workers) as pool:
        yield from pool.imap(_checked_prepare, itertools.chain(head, it), chunksize=64)


# -- query building ------------------------------------------------------------------------------

Q = tantivy.Query
MUST, SHOULD, NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
DESC = tantivy.Order.Desc


def _before(sortkey: int) -> tantivy.Query:
    """Records after a cursor in sortkey-descending order."""
    return Q.range_query(SCHEMA, "sortkey", tantivy.FieldType.Integer, None, sortkey, True, False)


def _zero(q: tantivy.Query) -> tantivy.Query:
    return Q.const_score_query(q, 0.0)


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    return queries[0] if len(queries) == 1 else Q.boolean_query([(MUST, q) for q in queries])


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    return queries[0] if len(queries) == 1 else Q.boolean_query([(SHOULD, q) for q in queries])


def _phrase(field: str, text: str, prefix: bool = False) -> tantivy.Query:
    toks = analysis.tokens(text)
    if prefix:
        return Q.phrase_prefix_query(SCHEMA, field, toks)
    if len(toks) == 1:
        return Q.term_query(SCHEMA, field, toks[0])
    return Q.phrase_query(SCHEMA, field, toks)


@dataclasses.dataclass(frozen=True)
class _View:
    """The fields a term is looked for in: the whole record, or its catalogue view."""

    text: str
    tri: str


WHOLE, CATALOGUE = _View("all", "tri"), _View("cat", "cattri")


def _contains(text: str, view: _View) -> tantivy.Query:
    """Records containing Chinese text of 2+ characters: its bigram, or all of its trigrams."""
    if len(text) == 2:
        return Q.term_query(SCHEMA, view.text, text)
    return _all([Q.term_query(SCHEMA, view.tri, g) for g in dict.fromkeys(analysis.trigrams(text))])


def _exact(term: analysis.Term, view: _View) -> tantivy.Query:
    """One term as written: by grams when it is all Chinese, else a phrase over positions."""
    if term.cjk_only and len(term.text) >= 2:
        return _contains(term.text, view)
    return _phrase(view.text, term.text, term.prefix)


def _term_match(term: analysis.Term, view: _View) -> tantivy.Query:
    """One term: exactly, or (CJK, 4+ characters) with one character misread. The exact form
    needs no clause of its own: the variant misreading the last character contains it."""
    if not term.fuzzy:
        return _exact(term, view)
    alts = []
    for v in term.fuzzy:
        parts = [_contains(p, view) for p in v.phrases]
        if v.skip is not None:
            parts.append(Q.regex_query(SCHEMA, view.tri, f"{v.skip[0]}.{v.skip[1]}"))
        alts.append(_all(parts))
    return _any(alts)


Readable = tantivy.Query | bool


def _readable(query: SearchQuery) -> Readable:
    """`archive.policy.ContentFilter` as a clause: the records whose content may match; True or
    False when that is the same for every record."""
    rule = query.readable
    if rule is False:
        return False
    clauses: list[Clause] = []
    if rule is not True:
        # Unions of term queries, not term sets: these clauses recur in every level's query, and
        # with term sets a search took twice as long (3,000 records, measured).
        def one_of(field: str, values: Iterable[str]) -> tantivy.Query:
            return _any([Q.term_query(SCHEMA, field, v) for v in sorted(values)])

        own = one_of("category", rule.own_rule)
        kinds = []
        if rule.own_rule_levels:
            kinds.append(_all([own, one_of("secrecy", rule.own_rule_levels)]))
        if rule.levels:
            kinds.append(Q.boolean_query([(MUST, one_of("secrecy", rule.levels)), (NOT, own)]))
        clauses.append((MUST, _any(kinds)))
        if not rule.destroyed:
            clauses.append((NOT, Q.term_query(SCHEMA, "status", "destroyed")))
    if query.catalogue_only_ids:
        clauses.append((NOT, Q.term_set_query(SCHEMA, "id", sorted(query.catalogue_only_ids))))
    return Q.boolean_query(clauses) if clauses else True


def _where_readable(readable: Readable, q: tantivy.Query) -> tantivy.Query | None:
    """`q` limited to the records whose content may match (None: to no record)."""
    if readable is True:
        return q
    if readable is False:
        return None
    return _all([q, readable])


def _either(readable: Readable, catalogue: tantivy.Query, whole: tantivy.Query) -> tantivy.Query:
    """Met in the catalogue view, or in the whole record where its content may match."""
    if readable is True:
        return whole
    if readable is False:
        return catalogue
    return _any([catalogue, _all([whole, readable])])


Clause = tuple[tantivy.Occur, tantivy.Query]


class _Plan:
    """The match query (score SCORE_MATCH), the three bonus clauses and the filter clauses."""

    def __init__(self, s: tantivy.Searcher, query: SearchQuery):
        terms = query.terms
        self.readable = readable = _readable(query)

        def matching(term_query) -> tantivy.Query:
            return _either(
                readable,
                _all([term_query(t, CATALOGUE) for t in terms]) if readable is not True else Q.empty_query(),
                _all([term_query(t, WHOLE) for t in terms]) if readable is not False else Q.empty_query(),
            )

        self.match = matching(_term_match) if terms else Q.all_query()
        self.exact: tantivy.Query | None = None
        self.misreads = any(t.fuzzy for t in terms)  # the match adds misread variants
        self.bonus: list[tuple[float, tantivy.Query]] = []
        if terms:
            exact = self.exact = matching(_exact)
            title = _all([_phrase("title", t.text, t.prefix) for t in terms])
            keys = [
                Q.term_query(SCHEMA, "name_key", analysis.key(query.text)),
                Q.term_query(SCHEMA, "doc_no", analysis.doc_no_key(query.text)),
                Q.term_query(SCHEMA, "archival_code", query.text.strip()),
            ]
            person_id = Q.term_query(SCHEMA, "person_id", analysis.person_id_key(query.text))
            person = _where_readable(readable, person_id)
            key = _any(keys + ([person] if person is not None else []))
            # in LEVELS order: key, title, exact
            self.bonus = [(SCORE_KEY, key), (SCORE_TITLE, title), (SCORE_EXACT, exact)]
        self.filters = _filters(s, query.access, query, readable)

    def matched(self, extra: Iterable[tantivy.Query] = (), match: tantivy.Query | None = None) -> tantivy.Query:
        """Every record found (by `match`, default the plan's) that the viewer may see. Unscored:
        it is counted, aggregated or ordered by a fast field, and tantivy computes no scores for those."""
        clauses = [(MUST, match if match is not None else self.match), *self.filters]
        return Q.boolean_query([*clauses, *((MUST, q) for q in extra)])

    def without_misreads(self) -> None:
        """Match the exact forms only (see MISREAD_CUTOFF)."""
        if self.exact is not None:
            self.match, self.misreads = self.exact, False

    def scored(self, extra: Iterable[tantivy.Query] = ()) -> tantivy.Query:
        clauses = [(MUST, Q.const_score_query(self.match, SCORE_MATCH))]
        clauses += [(SHOULD, Q.const_score_query(q, s)) for s, q in self.bonus]
        clauses += [(occur, _zero(q)) for occur, q in self.filters]
        clauses += [(MUST, _zero(q)) for q in extra]
        return Q.boolean_query(clauses)

    def level(self, lv: tuple[int, int, int], extra: Iterable[tantivy.Query] = ()) -> tantivy.Query:
        """The records whose score is exactly that of level `lv`, unscored. No match clause when
        the level requires the exact form, which implies the match."""
        clauses = [] if lv[2] else [(MUST, self.match)]
        clauses += [(MUST if on else NOT, q) for on, (_, q) in zip(lv, self.bonus, strict=True)]
        return Q.boolean_query([*clauses, *self.filters, *((MUST, q) for q in extra)])

    @staticmethod
    def score_of(lv: tuple[int, int, int]) -> float:
        return SCORE_MATCH + SCORE_KEY * lv[0] + SCORE_TITLE * lv[1] + SCORE_EXACT * lv[2]


def _in_set(s: tantivy.Searcher, field: str, allowed: Iterable[str], known: Iterable[str]) -> list[Clause]:
    """`field` in `allowed`, as the cheaper of two equal clauses: the allowed values, or not one
    of the others. Equal because every record carries one of the known values (ensure_indexable);
    cheaper because a viewer cleared for most records then costs only the few excluded ones."""
    allowed = sorted(set(allowed))
    excluded = sorted(set(known) - set(allowed))
    if not excluded:
        return []
    if sum(s.doc_freq(field, v) for v in excluded) < sum(s.doc_freq(field, v) for v in allowed):
        return [(NOT, Q.term_set_query(SCHEMA, field, excluded))]
    return [(MUST, Q.term_set_query(SCHEMA, field, allowed))]


def _filters(
    s: tantivy.Searcher, access: AccessFilter, query: SearchQuery | None, readable: Readable = True
) -> list[Clause]:
    """`archive.policy.AccessFilter` as tantivy clauses, plus the query's own filters."""
    out = _in_set(s, "secrecy", access.secrecy, SECRECY_LEVELS)
    if access.categories is not None:
        out.append((MUST, Q.term_set_query(SCHEMA, "category", sorted(access.categories))))
    if access.departments is not None:
        nodept = Q.term_query(SCHEMA, "has_dept", 0)
        out.append(
            (MUST, _any([nodept, Q.term_set_query(SCHEMA, "department", sorted(access.departments))]))
            if access.departments
            else (MUST, nodept)
        )
    if not access.include_destroyed and s.doc_freq("status", "destroyed"):
        out.append((NOT, Q.term_query(SCHEMA, "status", "destroyed")))
    if query is not None:
        if query.exclude_ids:
            out.append((NOT, Q.term_set_query(SCHEMA, "id", sorted(query.exclude_ids))))
        for field, values in query.key_filters().items():
            column = FILTER_COLUMNS.get(field, field)
            vals = [int(v) for v in values] if field == "id" else list(values)
            q = Q.term_set_query(SCHEMA, column, vals)
            if field == "person_id":  # content: no filter on it where the viewer may not read it
                q = _where_readable(readable, q) or Q.empty_query()
            out.append((MUST, q))
        if query.date_from or query.date_to:
            lo = query.date_from.toordinal() if query.date_from else 1
            hi = query.date_to.toordinal() if query.date_to else dt.date.max.toordinal()
            out.append((MUST, Q.range_query(SCHEMA, "day", tantivy.FieldType.Integer, lo, hi)))
    return out


def _buckets(out: dict, name: str) -> list[tuple[str, int]]:
    """A terms aggregation's (value, count) pairs, most frequent first, empty values left out."""
    found = [(b["key"], b["doc_count"]) for b in out.get(name, {}).get("buckets", []) if b["key"] != ""]
    return sorted(found, key=lambda kv: (-kv[1], kv[0]))


def _empty_access(access: AccessFilter) -> bool:
    return access.deny_all or access.categories == frozenset() or not access.secrecy


def _regex_escape(text: str) -> str:
    return "".join("\\" + c if c in r"\.+*?()|[]{}^$#&-~" else c for c in text)


class TantivyIndex(Generations, SearchIndex):
    backend = "tantivy"

    def __init__(
        self,
        path: str | os.PathLike[str],
        writer_heap: int = 128_000_000,
        threads: int = 0,
        workers: int | None = None,
    ):
        self.dir = Path(path)
        self._lock = threading.RLock()
        self._ix: tantivy.Index | None = None
        self._name: str | None = None
        self.writer_heap, self.threads = writer_heap, threads
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexUnavailable(f"search index directory {self.dir}: {exc}") from None

    # -- files -----------------------------------------------------------------------------

    def _new_name(self) -> str:
        return f"tantivy-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}"

    def _create(self, name: str) -> None:
        self._open_dir(name)

    def _open_dir(self, name: str) -> tantivy.Index:
        path = self.dir / name
        try:
            path.mkdir(exist_ok=True)
            marker = path / "ANALYZER"
            if marker.exists() and marker.read_text().strip() != ANALYZER_VERSION:
                raise IndexUnavailable(
                    f"index {name} was built by another analyzer version: run `archive reindex`"
                )
            ix = tantivy.Index(SCHEMA, str(path), reuse=True)
            if not marker.exists():
                marker.write_text(ANALYZER_VERSION + "\n")
            return ix
        except (OSError, ValueError) as exc:
            raise IndexUnavailable(f"search index {path}: {exc}") from None

    def _index(self) -> tantivy.Index:
        name = self._current_name()
        if self._ix is None or name != self._name:
            self._ix, self._name = self._open_dir(name), name
        return self._ix

    def _searcher(self) -> tantivy.Searcher:
        ix = self._index()
        ix.reload()
        return ix.searcher()

    def _writer(self, ix: tantivy.Index, heap: int | None = None) -> tantivy.IndexWriter:
        deadline = time.monotonic() + 30
        while True:
            try:
                return ix.writer(heap or self.writer_heap, self.threads)
            except ValueError as exc:  # another process holds the writer lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise IndexUnavailable(f"search index write failed: {exc}") from None
                time.sleep(0.05)

    # -- writing ---------------------------------------------------------------------------

    def index(self, doc: SearchDocument) -> None:
        self.bulk([doc])

    def bulk(self, docs: Iterable[SearchDocument], batch: int = 5000) -> int:
        n = 0
        with self._lock:
            ix = self._index()
            writer = self._writer(ix)
            try:
                pending = 0
                for doc in docs:
                    ensure_indexable(doc)
                    writer.delete_documents_by_term("id", doc.id)
                    writer.add_document(to_tantivy(doc))
                    pending += 1
                    if pending >= batch:
                        writer.commit()
                        n, pending = n + pending, 0
                if pending:
                    writer.commit()
                    n += pending
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
            ix.reload()
        return n

    def delete(self, record_id: int) -> None:
        with self._lock:
            ix = self._index()
            writer = self._writer(ix)
            try:
                writer.delete_documents_by_term("id", int(record_id))
                writer.commit()
            finally:
                writer.wait_merging_threads()
            ix.reload()

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        name = self._new_name()
        ix = self._open_dir(name)
        n = 0
        try:
            writer = self._writer(ix, max(self.writer_heap, 512_000_000))
            for prepared in _prepared(docs, self.workers):
                writer.add_document(build(prepared))
                n += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            shutil.rmtree(self.dir / name, ignore_errors=True)
            raise
        with self._lock:
            old = self._name or (self._pointer.read_text().strip() if self._pointer.exists() else None)
            self._switch(name)
            self._ix, self._name = ix, name
        if old and old != name:
            shutil.rmtree(self.dir / old, ignore_errors=True)
        return n

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def _doc(searcher: tantivy.Searcher, addr: tantivy.DocAddress) -> SearchDocument:
        return SearchDocument.from_dict(json.loads(searcher.doc(addr).get_first("src")))

    def get(self, record_id: int) -> SearchDocument | None:
        with self._lock:
            s = self._searcher()
            hits = s.search(Q.term_query(SCHEMA, "id", int(record_id)), 1).hits
            return self._doc(s, hits[0][1]) if hits else None

    def count(self) -> int:
        with self._lock:
            return self._searcher().num_docs

    def digests(self) -> Iterator[tuple[int, str]]:
        with self._lock:
            s = self._searcher()
            n = s.num_docs
            hits = (
                s.search(Q.all_query(), max(n, 1), order_by_field="id", order=tantivy.Order.Asc).hits
                if n
                else []
            )
            rows = []
            for _, addr in hits:
                d = s.doc(addr)
                rows.append((d.get_first("id"), d.get_first("digest")))
        yield from rows

    def health(self) -> Health:
        try:
            with self._lock:
                n = self._searcher().num_docs
            return Health(True, self.backend, n, str(self.dir / (self._name or "")))
        except (IndexUnavailable, ValueError, OSError) as exc:
            return Health(False, self.backend, None, str(exc))

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        access = query.access
        if _empty_access(access):
            return SearchResult.empty(query)
        try:
            with self._lock:
                s = self._searcher()
                plan = _Plan(s, query)
                total, facets = self._totals(s, plan, query.facets)
                rows = self._page(s, plan, query)
                docs = [(self._doc(s, addr), score) for addr, score, _ in rows]
        except ValueError as exc:
            raise IndexUnavailable(f"search failed: {exc}") from None
        terms = query.terms
        hits = tuple(make_hit(query.viewer, terms, doc, score) for doc, score in docs)
        cursor = encode_cursor(rows[-1][2]) if rows and len(rows) == query.size else None
        return SearchResult(hits, total, facets, (time.perf_counter() - started) * 1000, cursor)

    def _totals(self, s: tantivy.Searcher, plan: _Plan, fields: tuple[str, ...]) -> tuple[int, dict]:
        """The total and the facets of the plan. When its match adds misread variants, the exact
        forms are counted first; when the viewer may see MISREAD_CUTOFF or more of those, the
        variants are dropped from the plan (they would rank after all of them) and that count
        is the answer."""
        if plan.misreads:
            total, facets = self._count(s, plan.matched(match=plan.exact), fields)
            if total >= MISREAD_CUTOFF:
                plan.without_misreads()
                return total, facets
        return self._count(s, plan.matched(), fields)

    def _count(self, s: tantivy.Searcher, q: tantivy.Query, fields: tuple[str, ...]) -> tuple[int, dict]:
        """The total and the facets, in one pass over the records found."""
        aggs: dict = {"_total": {"value_count": {"field": "id"}}}
        aggs.update({f: {"terms": {"field": f, "size": AGG_SIZE, "segment_size": AGG_SIZE}} for f in fields})
        out = s.aggregate(q, aggs)
        facets = {f: _buckets(out, f)[:FACET_SIZE] for f in fields}
        return int(out.get("_total", {}).get("value") or 0), facets

    def _page(self, s: tantivy.Searcher, plan: _Plan, query: SearchQuery) -> list:
        """The page's (address, score, cursor values)."""
        if query.sort == "archival_code":
            return self._by_code(s, plan, query)
        if query.sort == "date" or not plan.bonus:
            return self._by_date(s, plan, query)
        return self._by_relevance(s, plan, query)

    def _by_date(self, s: tantivy.Searcher, plan: _Plan, query: SearchQuery) -> list:
        extra = []
        if query.search_after:
            (key,) = decode_cursor(query.search_after, 1)
            extra.append(_before(int(key)))
        window = query.offset + query.size
        res = s.search(plan.matched(extra), window, count=False, order_by_field="sortkey", order=DESC)
        page = res.hits[query.offset :]
        scores = self._scores(s, plan, [a for _, a in page])
        return [(a, scores[i], [k]) for i, (k, a) in enumerate(page)]

    def _by_relevance(self, s: tantivy.Searcher, plan: _Plan, query: SearchQuery) -> list:
        """Scores take one of six values (LEVELS), ties broken by sortkey (day, id) descending:
        the levels are read best first, each in sortkey order, until the page is full. The
        best levels (an exact key, a title) hold few records; most pages end in the exact one,
        and the records that only match with a misread character are read only when needed."""
        window = query.offset + query.size
        after = decode_cursor(query.search_after, 2) if query.search_after else None
        rows: list = []
        for lv in LEVELS:
            score = plan.score_of(lv)
            extra = []
            if after is not None:
                if score > after[0]:
                    continue
                if score == after[0]:
                    extra.append(_before(int(after[1])))
            res = s.search(
                plan.level(lv, extra), window - len(rows), count=False, order_by_field="sortkey", order=DESC
            )
            rows += [(a, score, [score, k]) for k, a in res.hits]
            if len(rows) >= window:
                break
        return rows[query.offset : window]

    def _scores(self, s: tantivy.Searcher, plan: _Plan, addrs: list) -> list[float]:
        if not addrs:
            return []
        ids = s.fast_field_values("id", addrs)
        res = s.search(plan.scored([Q.term_set_query(SCHEMA, "id", ids)]), len(ids))
        by_id = dict(
            zip(s.fast_field_values("id", [a for _, a in res.hits]), [sc for sc, _ in res.hits], strict=True)
        )
        return [by_id.get(i, SCORE_MATCH) for i in ids]

    def _by_code(self, s: tantivy.Searcher, plan: _Plan, query: SearchQuery) -> list:
        base = plan.matched()
        window = query.offset + query.size
        if not query.search_after:
            res = s.search(base, window, count=False, order_by_field="codekey", order=tantivy.Order.Asc)
            page = res.hits[query.offset :]
        else:
            (after,) = decode_cursor(query.search_after, 1)
            after = str(after)
            limit = 1000
            while True:  # string fast fields have no range query: read on past the cursor
                res = s.search(base, limit, count=False, order_by_field="codekey", order=tantivy.Order.Asc)
                later = [h for h in res.hits if h[0] > after]
                if len(later) >= query.size or len(res.hits) < limit:
                    break
                limit *= 10
            page = later[: query.size]
        scores = self._scores(s, plan, [a for _, a in page])
        return [(a, scores[i], [k]) for i, (k, a) in enumerate(page)]

    def suggest(
        self, prefix: str, viewer: Viewer, field: str = "person_name", limit: int = 10,
        exclude: frozenset[int] = frozenset(),
    ) -> list[str]:
        pkey = check_suggest(prefix, field, limit)
        access = record_filter(viewer)
        if _empty_access(access) or not pkey:
            return []
        key_col, value_col = (
            ("name_key", "person_name_raw") if field == "person_name" else ("title_key", "title_raw")
        )
        prefix = Q.regex_query(SCHEMA, key_col, _regex_escape(pkey) + ".*")
        with self._lock:
            s = self._searcher()
            left_out = [(NOT, Q.term_set_query(SCHEMA, "id", sorted(exclude)))] if exclude else []
            q = Q.boolean_query([(MUST, prefix), *_filters(s, access, None), *left_out])
            out = s.aggregate(q, {"v": {"terms": {"field": value_col, "size": AGG_SIZE}}})
        return [v for v, _ in _buckets(out, "v")[:limit]]

    def close(self) -> None:
        with self._lock:
            self._ix = None
