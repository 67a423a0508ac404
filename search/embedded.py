"""The embedded backend: SQLite FTS5 over pre-analysed bigrams, in one file under the index path.

Why SQLite: no server, in the standard library, and every write is a transaction in WAL mode,
so a crash in the middle of a write leaves the last committed index. The FTS tables are
contentless (they keep only the inverted index): a document is removed by re-analysing the
text kept in `docs`/`pages`, which is why the analyzer version is stored and checked.
A rebuild writes a new file and switches the CURRENT pointer with an atomic rename.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.policy import Viewer, record_filter
from search import analysis
from search.highlight import make_hit
from search.index_files import Generations
from search.model import (
    FACET_SIZE,
    MISREAD_CUTOFF,
    SCORE_EXACT,
    SCORE_KEY,
    SCORE_MATCH,
    SCORE_TITLE,
    Health,
    IndexUnavailable,
    PageText,
    SearchDocument,
    SearchIndex,
    SearchQuery,
    SearchResult,
    check_suggest,
    decode_cursor,
    encode_cursor,
    ensure_indexable,
)

ANALYZER_VERSION = "2"  # 2: catalogue view (meta without the identity number, cskips)
DOC_COLUMNS = (
    "id", "archival_code", "title", "doc_no", "issuer", "person_name", "person_id", "category", "year",
    "retention", "secrecy", "fonds", "doc_type", "personnel_class", "business_step", "department",
    "status", "doc_date",
)  # fmt: skip
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs(
  {", ".join(c + (" INTEGER PRIMARY KEY" if c == "id" else " TEXT") for c in DOC_COLUMNS)},
  digest TEXT, name_key TEXT, title_key TEXT);
CREATE TABLE IF NOT EXISTS pages(doc_id INTEGER, page_no INTEGER, text TEXT,
  PRIMARY KEY(doc_id, page_no)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS docs_name ON docs(name_key);
CREATE INDEX IF NOT EXISTS docs_title ON docs(title_key);
CREATE INDEX IF NOT EXISTS docs_date ON docs(doc_date);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, meta, idno, body, content='', columnsize=0,
  tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS skips USING fts5(s, content='', columnsize=0, detail=none,
  tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS cskips USING fts5(s, content='', columnsize=0, detail=none,
  tokenize='unicode61 remove_diacritics 0');
"""
# The catalogue view of a record: what matches for a viewer who may see it but not read its content.
CATALOGUE_COLUMNS = "{title meta}"


def _analysed(doc: SearchDocument) -> tuple[str, str, str, str, str, str]:
    """The token strings of a document for the FTS tables: title, meta (catalogue fields), idno
    and body (content), skips of all of them, skips of the catalogue view."""
    texts = (doc.title, doc.catalogue_text, doc.private_text, *(p.text for p in doc.pages))
    title, meta, idno, *pages = (analysis.analyse(analysis.normalise(t)) for t in texts)
    body = " ".join(" ".join(toks) for toks, _ in pages)
    skips = " ".join(" ".join(sk) for _, sk in (title, meta, idno, *pages))
    cskips = " ".join(" ".join(sk) for _, sk in (title, meta))
    return " ".join(title[0]), " ".join(meta[0]), " ".join(idno[0]), body, skips, cskips


def _phrase(text: str, prefix: bool = False) -> str:
    """An FTS5 phrase from normalised text; tokens are letters/digits/CJK only, never syntax."""
    toks = analysis.tokens(text)
    return '"' + " ".join(toks) + '"' + ("*" if prefix else "")


def _in(column: str, values: Iterable[str]) -> tuple[str, list[object]]:
    vals = sorted(values)
    return (f"{column} IN ({','.join('?' * len(vals))})", list(vals)) if vals else ("0", [])


def _readable_sql(query: SearchQuery) -> tuple[str, list[object]]:
    """`archive.policy.ContentFilter` as SQL on `d`: may the record's content match? "1" or "0"
    when that is the same for every record."""
    rule = query.readable
    if rule is False:
        return "0", []
    clauses: list[str] = []
    params: list[object] = []
    if rule is not True:
        own, own_params = _in("d.category", rule.own_rule)
        own_levels, own_level_params = _in("d.secrecy", rule.own_rule_levels)
        levels, level_params = _in("d.secrecy", rule.levels)
        clauses.append(f"(CASE WHEN {own} THEN {own_levels} ELSE {levels} END)")
        params += [*own_params, *own_level_params, *level_params]
        if not rule.destroyed:
            clauses.append("d.status != 'destroyed'")
    if query.catalogue_only_ids:
        clauses.append("d.id NOT IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(sorted(query.catalogue_only_ids)))
    return ("(" + " AND ".join(clauses) + ")", params) if clauses else ("1", [])


def _either(
    readable: str,
    readable_params: list[object],
    catalogue: str,
    content: str,
    cat_params: list[object],
    content_params: list[object],
) -> tuple[str, list[object]]:
    """A condition met in the catalogue view, or in the whole record where its content may match."""
    if readable == "1":
        return content, content_params
    if readable == "0":
        return catalogue, cat_params
    return f"({catalogue} OR ({readable} AND {content}))", [*cat_params, *readable_params, *content_params]


class _Plan:
    """A search's SQL: the matching ids (a sub-select), a condition on `d` for the records whose
    content may not match (found through their catalogue fields only), and the score expression."""

    def __init__(self, query: SearchQuery):
        terms = query.terms
        self.source_sql, self.source_params = "docs d", []
        self.where_sql, self.where_params = "1", []
        if not terms:
            self.score_sql, self.score_params = str(SCORE_MATCH), []
            return
        readable, rparams = _readable_sql(query)
        full, full_params = self._ids(terms, catalogue=False)
        cat, cat_params = self._ids(terms, catalogue=True)
        ids, ids_params = (cat, cat_params) if readable == "0" else (full, full_params)
        # CROSS JOIN makes SQLite start from the (usually few) matches, not scan every record.
        self.source_sql = f"({ids}) AS m CROSS JOIN docs d ON d.id = m.id"
        self.source_params = ids_params
        if readable not in ("0", "1"):
            self.where_sql = f"({readable} OR d.id IN ({cat}))"
            self.where_params = [*rparams, *cat_params]
        exact = " AND ".join(_phrase(t.text, t.prefix) for t in terms)
        in_fts = "d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
        exact_sql, exact_params = _either(
            readable, rparams, in_fts, in_fts, [f"{CATALOGUE_COLUMNS} : ({exact})"], [exact]
        )
        person_sql, person_params = _either(
            readable, rparams, "0", "d.person_id = ?", [], [analysis.person_id_key(query.text)]
        )
        self.score_sql = (
            f"{SCORE_MATCH} + {SCORE_EXACT} * ({exact_sql})"
            f" + {SCORE_TITLE} * (d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?))"
            f" + {SCORE_KEY} * (d.name_key = ? OR d.doc_no = ? OR d.archival_code = ? OR {person_sql})"
        )
        self.score_params = [
            *exact_params,
            f"title : ({exact})",
            analysis.key(query.text),
            analysis.doc_no_key(query.text),
            query.text.strip(),
            *person_params,
        ]

    def _ids(self, terms: list[analysis.Term], catalogue: bool) -> tuple[str, list[object]]:
        """Ids having every term, in the catalogue view or anywhere in the record."""
        sqls, params = [], []
        for t in terms:
            sql, p = _term_ids(t, catalogue)
            sqls.append(f"SELECT * FROM ({sql})")
            params += p
        return " INTERSECT ".join(sqls), params


def _term_ids(term: analysis.Term, catalogue: bool) -> tuple[str, list[object]]:
    """Ids matching one term: exactly, or (CJK, 4+ characters) with one character misread."""

    def scoped(expr: str) -> str:
        return f"{CATALOGUE_COLUMNS} : ({expr})" if catalogue else expr

    plain = [_phrase(term.text, term.prefix)]
    selects, select_params = [], []
    skips = "cskips" if catalogue else "skips"
    for v in term.fuzzy:
        phrases = " AND ".join(_phrase(p) for p in v.phrases)
        if v.skip is None:
            plain.append(f"({phrases})")
        else:
            selects.append(
                "SELECT * FROM (SELECT rowid AS id FROM fts WHERE fts MATCH ?"
                f" INTERSECT SELECT rowid AS id FROM {skips} WHERE {skips} MATCH ?)"
            )
            select_params += [scoped(phrases), f'"{v.skip}"']
    sql = " UNION ".join(["SELECT rowid AS id FROM fts WHERE fts MATCH ?", *selects])
    return sql, [scoped(" OR ".join(plain)), *select_params]


def _access_sql(query: SearchQuery | None, viewer: Viewer | None = None) -> tuple[str, list[object]]:
    """`archive.policy.AccessFilter` as SQL, plus the query's own filters."""
    access = query.access if query is not None else record_filter(viewer)
    clauses, params = [], []
    clauses.append(f"d.secrecy IN ({','.join('?' * len(access.secrecy))})")
    params += sorted(access.secrecy)
    if access.categories is not None:
        clauses.append(
            f"d.category IN ({','.join('?' * len(access.categories))})" if access.categories else "0"
        )
        params += sorted(access.categories)
    if access.departments is not None:
        marks = ",".join("?" * len(access.departments))
        clauses.append(
            f"(d.department = '' OR d.department IN ({marks}))" if access.departments else "d.department = ''"
        )
        params += sorted(access.departments)
    if not access.include_destroyed:
        clauses.append("d.status != 'destroyed'")
    if query is not None:
        if query.exclude_ids:
            clauses.append("d.id NOT IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(query.exclude_ids)))
        for field, values in query.key_filters().items():
            column = {"person_name": "name_key"}.get(field, field)
            clauses.append(f"d.{column} IN ({','.join('?' * len(values))})")
            params += [int(v) for v in values] if field == "id" else list(values)
            if field == "person_id":  # content: no filter on it where the viewer may not read it
                readable, readable_params = _readable_sql(query)
                clauses.append(readable)
                params += readable_params
        if query.date_from:
            clauses.append("d.doc_date >= ?")
            params.append(query.date_from.isoformat())
        if query.date_to:
            clauses.append("d.doc_date <= ?")
            params.append(query.date_to.isoformat())
    return " AND ".join(clauses), params


class EmbeddedIndex(Generations, SearchIndex):
    backend = "embedded"

    def __init__(self, path: str | os.PathLike[str]):
        self.dir = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._file: str | None = None
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexUnavailable(f"search index directory {self.dir}: {exc}") from None

    # -- files -----------------------------------------------------------------------------

    def _new_name(self) -> str:
        return f"index-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S%f}.sqlite"

    def _create(self, name: str) -> None:
        self._open_file(name).close()

    def _open_file(self, name: str) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.dir / name, timeout=60, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-65536")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.executescript(SCHEMA)
            with _tx(conn):
                row = conn.execute("SELECT value FROM meta WHERE key='analyzer'").fetchone()
                if row is None:
                    conn.execute("INSERT INTO meta VALUES('analyzer', ?)", (ANALYZER_VERSION,))
                elif row[0] != ANALYZER_VERSION:
                    raise IndexUnavailable(
                        f"index {name} was built by another analyzer version: run `archive reindex`"
                    )
            return conn
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"search index {self.dir / name}: {exc}") from None

    def _db(self) -> sqlite3.Connection:
        """The connection to the current file; follows a rebuild done by another process."""
        name = self._current_name()
        if self._conn is None or name != self._file:
            if self._conn is not None:
                self._conn.close()
            self._conn, self._file = self._open_file(name), name
        return self._conn

    # -- writing ---------------------------------------------------------------------------

    def index(self, doc: SearchDocument) -> None:
        self.bulk([doc])

    def bulk(self, docs: Iterable[SearchDocument], batch: int = 500) -> int:
        n = 0
        with self._lock:
            conn = self._db()
            chunk: list[SearchDocument] = []
            for doc in docs:
                ensure_indexable(doc)
                chunk.append(doc)
                if len(chunk) >= batch:
                    n += self._write(conn, chunk)
                    chunk = []
            if chunk:
                n += self._write(conn, chunk)
        return n

    def _write(self, conn: sqlite3.Connection, docs: list[SearchDocument], fresh: bool = False) -> int:
        try:
            with _tx(conn):
                for doc in docs:
                    if not fresh:  # a new file (rebuild) has nothing to replace
                        self._remove(conn, doc.id)
                    self._insert(conn, doc)
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"search index write failed: {exc}") from None
        return len(docs)

    def _insert(self, conn: sqlite3.Connection, doc: SearchDocument) -> None:
        values = [getattr(doc, c) for c in DOC_COLUMNS]
        conn.execute(
            f"INSERT INTO docs VALUES ({','.join('?' * (len(DOC_COLUMNS) + 3))})",
            [*values, doc.digest, analysis.key(doc.person_name), analysis.key(doc.title)],
        )
        conn.executemany("INSERT INTO pages VALUES (?,?,?)", [(doc.id, p.page_no, p.text) for p in doc.pages])
        title, meta, idno, body, skips, cskips = _analysed(doc)
        conn.execute(
            "INSERT INTO fts(rowid, title, meta, idno, body) VALUES (?,?,?,?,?)",
            (doc.id, title, meta, idno, body),
        )
        conn.execute("INSERT INTO skips(rowid, s) VALUES (?,?)", (doc.id, skips))
        conn.execute("INSERT INTO cskips(rowid, s) VALUES (?,?)", (doc.id, cskips))

    def _remove(self, conn: sqlite3.Connection, record_id: int) -> None:
        old = self._load(conn, [record_id]).get(record_id)
        if old is None:
            return
        title, meta, idno, body, skips, cskips = _analysed(old)
        conn.execute(
            "INSERT INTO fts(fts, rowid, title, meta, idno, body) VALUES ('delete', ?, ?, ?, ?, ?)",
            (record_id, title, meta, idno, body),
        )
        conn.execute("INSERT INTO skips(skips, rowid, s) VALUES ('delete', ?, ?)", (record_id, skips))
        conn.execute("INSERT INTO cskips(cskips, rowid, s) VALUES ('delete', ?, ?)", (record_id, cskips))
        conn.execute("DELETE FROM pages WHERE doc_id = ?", (record_id,))
        conn.execute("DELETE FROM docs WHERE id = ?", (record_id,))

    def delete(self, record_id: int) -> None:
        with self._lock:
            conn = self._db()
            try:
                with _tx(conn):
                    self._remove(conn, record_id)
            except sqlite3.Error as exc:
                raise IndexUnavailable(f"search index write failed: {exc}") from None

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        name = self._new_name()
        conn = self._open_file(name)
        n = 0
        try:
            conn.execute("PRAGMA synchronous=OFF")  # a crash here loses only the unswitched new file
            chunk: list[SearchDocument] = []
            for doc in docs:
                ensure_indexable(doc)
                chunk.append(doc)
                if len(chunk) >= 1000:
                    n += self._write(conn, chunk, fresh=True)
                    chunk = []
            if chunk:
                n += self._write(conn, chunk, fresh=True)
            conn.execute("PRAGMA synchronous=NORMAL")
            with _tx(conn):
                conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
                conn.execute("INSERT INTO skips(skips) VALUES ('optimize')")
                conn.execute("INSERT INTO cskips(cskips) VALUES ('optimize')")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException:
            conn.close()
            _unlink(self.dir / name)
            raise
        with self._lock:
            old = self._file or (self._pointer.read_text().strip() if self._pointer.exists() else None)
            self._switch(name)
            if self._conn is not None:
                self._conn.close()
            self._conn, self._file = conn, name
        if old and old != name:
            _unlink(self.dir / old)
        return n

    # -- reading ---------------------------------------------------------------------------

    def _load(self, conn: sqlite3.Connection, ids: list[int]) -> dict[int, SearchDocument]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = conn.execute(f"SELECT {','.join(DOC_COLUMNS)} FROM docs WHERE id IN ({marks})", ids).fetchall()
        pages: dict[int, list[PageText]] = {}
        for doc_id, page_no, text in conn.execute(
            f"SELECT doc_id, page_no, text FROM pages WHERE doc_id IN ({marks}) ORDER BY doc_id, page_no", ids
        ):
            pages.setdefault(doc_id, []).append(PageText(page_no, text))
        out = {}
        for row in rows:
            values = dict(zip(DOC_COLUMNS, row, strict=True))
            values["pages"] = tuple(pages.get(row[0], ()))
            out[row[0]] = SearchDocument(**values)
        return out

    def get(self, record_id: int) -> SearchDocument | None:
        with self._lock:
            return self._load(self._db(), [int(record_id)]).get(int(record_id))

    def count(self) -> int:
        with self._lock:
            return self._db().execute("SELECT count(*) FROM docs").fetchone()[0]

    def digests(self) -> Iterator[tuple[int, str]]:
        with self._lock:
            rows = self._db().execute("SELECT id, digest FROM docs ORDER BY id").fetchall()
        yield from rows

    def health(self) -> Health:
        try:
            with self._lock:
                n = self._db().execute("SELECT count(*) FROM docs").fetchone()[0]
            return Health(True, self.backend, n, str(self.dir / (self._file or "")))
        except (IndexUnavailable, sqlite3.Error) as exc:
            return Health(False, self.backend, None, str(exc))

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        if query.access.deny_all:
            return SearchResult.empty(query)
        plan = _Plan(query)
        where, params = _access_sql(query)
        params = [*plan.score_params, *plan.source_params, *params, *plan.where_params]
        order, key_cols, cmp = _SORTS[query.sort]
        # The matching, visible records are computed once into a temporary table; the page,
        # the total and every facet are read from it (so all of them see the same filter).
        base = (
            f"SELECT d.id, {plan.score_sql}, COALESCE(d.doc_date, ''), d.archival_code, (d.archival_code = '')"
            f" FROM {plan.source_sql} WHERE {where} AND {plan.where_sql}"
        )
        page_sql = f"SELECT id, score, {key_cols} FROM hits"
        page_params: list[object] = []
        if query.search_after:
            values = decode_cursor(query.search_after, len(key_cols.split(",")))
            page_sql += f" WHERE ({key_cols}) {cmp} ({','.join('?' * len(values))})"
            page_params += values
        page_sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        page_params += [query.size, query.offset]
        try:
            with self._lock:
                conn = self._db()
                conn.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS hits"
                    "(id INTEGER PRIMARY KEY, score REAL, day TEXT, code TEXT, nocode INT)"
                )
                conn.execute("DELETE FROM hits")
                conn.execute(f"INSERT INTO hits {base}", params)
                if any(t.fuzzy for t in query.terms):
                    # The exact forms carry the SCORE_EXACT bit; when the viewer may see enough of
                    # them, the records found only through a misread variant go (MISREAD_CUTOFF).
                    exact = f"(CAST(score - {SCORE_MATCH} AS INTEGER) & {int(SCORE_EXACT)}) != 0"
                    (n_exact,) = conn.execute(f"SELECT count(*) FROM hits WHERE {exact}").fetchone()
                    if n_exact >= MISREAD_CUTOFF:
                        conn.execute(f"DELETE FROM hits WHERE NOT {exact}")
                rows = conn.execute(page_sql, page_params).fetchall()
                total = conn.execute("SELECT count(*) FROM hits").fetchone()[0]
                facets = {}
                for field in query.facets:
                    facets[field] = conn.execute(
                        f"SELECT d.{field} AS v, count(*) AS c FROM hits h CROSS JOIN docs d ON d.id = h.id"
                        f" WHERE d.{field} != '' GROUP BY v ORDER BY c DESC, v LIMIT {FACET_SIZE}"
                    ).fetchall()
                docs = self._load(conn, [r[0] for r in rows])
                conn.execute("DELETE FROM hits")
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"search failed: {exc}") from None
        terms = query.terms
        hits = tuple(make_hit(query.viewer, terms, docs[r[0]], r[1]) for r in rows)
        cursor = encode_cursor(rows[-1][2:]) if rows and len(rows) == query.size else None
        return SearchResult(hits, total, facets, (time.perf_counter() - started) * 1000, cursor)

    def suggest(
        self,
        prefix: str,
        viewer: Viewer,
        field: str = "person_name",
        limit: int = 10,
        exclude: frozenset[int] = frozenset(),
    ) -> list[str]:
        pkey = check_suggest(prefix, field, limit)
        access = record_filter(viewer)
        if access.deny_all or not pkey:
            return []
        where, params = _access_sql(None, viewer)
        if exclude:
            where += " AND d.id NOT IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(sorted(exclude)))
        column, key_col = ("person_name", "name_key") if field == "person_name" else ("title", "title_key")
        sql = (
            f"SELECT d.{column} AS v, count(*) AS c FROM docs d WHERE {where} AND d.{key_col} >= ? AND d.{key_col} < ?"
            f" AND d.{column} != '' GROUP BY v ORDER BY c DESC, v LIMIT ?"
        )
        with self._lock:
            rows = self._db().execute(sql, [*params, pkey, pkey + "\U0010ffff", limit]).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


# sort name -> ORDER BY, the cursor's columns, and how a later row compares to the cursor
_SORTS = {
    "relevance": ("score DESC, day DESC, id DESC", "score, day, id", "<"),
    "date": ("day DESC, id DESC", "day, id", "<"),
    "archival_code": ("nocode, code, id", "nocode, code, id", ">"),
}


@contextlib.contextmanager
def _tx(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _unlink(path: Path) -> None:
    for p in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
