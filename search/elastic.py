"""The Elasticsearch backend, with the official client and its default headers.

Versioned indices (`<alias>-v<time>`) sit behind an alias; `rebuild` fills a new one and
swaps the alias in one atomic call, so searches never see a half-built index. Text fields
use the built-in `cjk` analyzer (bigrams, width folding) on text already normalised by
search.analysis (traditional->simplified, which Elasticsearch cannot do by itself).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from archive.errors import TransientError, ValidationError
from archive.policy import AccessFilter, Viewer, record_filter
from search import analysis
from search.highlight import make_hit
from search.model import (
    FACET_SIZE,
    MISREAD_CUTOFF,
    SCORE_EXACT,
    SCORE_KEY,
    SCORE_MATCH,
    SCORE_TITLE,
    Health,
    IndexUnavailable,
    SearchDocument,
    SearchIndex,
    SearchQuery,
    SearchResult,
    check_suggest,
    decode_cursor,
    encode_cursor,
    ensure_indexable,
)

DEFAULT_ALIAS = "archive-records"


class IndexUnreachable(IndexUnavailable, TransientError):
    """The search server is down, overloaded (429) or failing (5xx): the same call may succeed later."""


def _unavailable(what: str, exc: Exception) -> IndexUnavailable:
    """The archive error for a client error: transient for connection failures, 429 and 5xx."""
    status = getattr(exc, "status_code", None) if isinstance(exc, ApiError) else None
    if isinstance(exc, TransportError) or (status is not None and (status == 429 or status >= 500)):
        return IndexUnreachable(f"{what}: {exc}")
    return IndexUnavailable(f"{what}: {exc}")
KEYWORDS = (
    "archival_code", "title", "doc_no", "issuer", "person_name", "person_id", "category", "year",
    "retention", "secrecy", "fonds", "doc_type", "personnel_class", "business_step", "department",
    "status", "digest", "name_key", "title_key", "code_sort",
)  # fmt: skip
TEXT_FIELDS = ("title_s", "meta_s", "idno_s", "body")
# The catalogue view: what matches where the viewer may see a record but not read its content.
CATALOGUE_FIELDS = ("title_s", "meta_s")
NO_CODE = "\U0010ffff"
DERIVED = (*TEXT_FIELDS, "skips", "cat_skips", "name_key", "title_key", "code_sort", "digest", "rid")


def mappings(smartcn: bool = False) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "text", "analyzer": "cjk"}
    if smartcn:  # a word-segmenting subfield when the plugin is installed; the query does not need it
        text = {**text, "fields": {"smart": {"type": "text", "analyzer": "smartcn"}}}
    props: dict[str, Any] = {k: {"type": "keyword"} for k in KEYWORDS}
    props["title"] = {"type": "keyword", "ignore_above": 2048}
    props.update({f: dict(text) for f in TEXT_FIELDS})
    props["body"]["position_increment_gap"] = 100  # no phrase across a page break
    props["skips"] = {"type": "text", "analyzer": "whitespace", "norms": False}
    props["cat_skips"] = {"type": "text", "analyzer": "whitespace", "norms": False}
    props["doc_date"] = {"type": "date", "format": "strict_date"}
    props["rid"] = {"type": "long"}
    props["pages"] = {"type": "object", "enabled": False}  # original text, for snippets only
    return {
        "dynamic": "strict",
        "_source": {"excludes": [*TEXT_FIELDS, "skips", "cat_skips"]},
        "properties": props,
    }


SETTINGS = {"number_of_shards": 1, "max_result_window": 10_000}


def to_source(doc: SearchDocument) -> dict[str, Any]:
    src = doc.to_dict()
    src.pop("id")
    pages = [analysis.normalise(p.text) for p in doc.pages]
    title = analysis.normalise(doc.title)
    meta = analysis.normalise(doc.catalogue_text)  # catalogue fields
    idno = analysis.normalise(doc.private_text)  # content, like the pages
    src.update(
        rid=doc.id,
        digest=doc.digest,
        name_key=analysis.key(doc.person_name),
        title_key=analysis.key(doc.title),
        title_s=analysis.search_text(doc.title),
        meta_s=analysis.search_text(meta),
        idno_s=analysis.search_text(idno),
        body=[analysis.search_text(p) for p in pages],
        skips=" ".join(" ".join(analysis.skip_tokens(t)) for t in (title, meta, idno, *pages)),
        cat_skips=" ".join(" ".join(analysis.skip_tokens(t)) for t in (title, meta)),
    )
    # Records without a code sort last; a real value (not "missing") keeps cursors plain JSON.
    src["code_sort"] = doc.archival_code or NO_CODE
    if src["doc_date"] is None:
        src.pop("doc_date")
    return src


def from_source(rid: Any, src: dict[str, Any]) -> SearchDocument:
    values = {k: v for k, v in src.items() if k not in DERIVED}
    values["id"] = int(rid)
    return SearchDocument.from_dict(values)


# -- query translation -------------------------------------------------------------------------


def access_filters(access: AccessFilter) -> list[dict[str, Any]]:
    """`archive.policy.AccessFilter` as Elasticsearch filter clauses (see AccessFilter.matches)."""
    out: list[dict[str, Any]] = [{"terms": {"secrecy": sorted(access.secrecy)}}]
    if access.categories is not None:
        out.append({"terms": {"category": sorted(access.categories)}})
    if access.departments is not None:
        # A record with no owning department belongs to the whole bureau.
        out.append(
            {
                "bool": {
                    "should": [
                        {"term": {"department": ""}},
                        {"terms": {"department": sorted(access.departments)}},
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    if not access.include_destroyed:
        out.append({"bool": {"must_not": [{"term": {"status": "destroyed"}}]}})
    return out


def _phrase(text: str, fields: tuple[str, ...] = TEXT_FIELDS, prefix: bool = False) -> dict[str, Any]:
    if prefix and len(text) == 1:  # one character: any bigram starting with it
        return {"bool": {"should": [{"prefix": {f: text}} for f in fields], "minimum_should_match": 1}}
    if prefix:
        return {
            "multi_match": {
                "query": text,
                "type": "phrase_prefix",
                "fields": list(fields),
                "max_expansions": 1000,
            }
        }
    return {"multi_match": {"query": text, "type": "phrase", "fields": list(fields)}}


def _term_clause(term: analysis.Term, fields: tuple[str, ...], skips: str) -> dict[str, Any]:
    """One query word: its exact phrase, or one of its misread variants (see analysis.Term.fuzzy)."""
    should = [_phrase(term.text, fields, term.prefix)]
    for v in term.fuzzy:
        must = [_phrase(p, fields) for p in v.phrases]
        if v.skip:
            must.append({"term": {skips: v.skip}})
        should.append({"bool": {"must": must}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _const(clause: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": clause, "boost": boost}}


Readable = dict[str, Any] | bool


def readable_clause(query: SearchQuery) -> Readable:
    """`archive.policy.ContentFilter` as a clause: the records whose content may match; True or
    False when that is the same for every record."""
    rule = query.readable
    if rule is False:
        return False
    must: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    if rule is not True:
        own = {"terms": {"category": sorted(rule.own_rule)}}
        kinds: list[dict[str, Any]] = []
        if rule.own_rule_levels:
            kinds.append({"bool": {"filter": [own, {"terms": {"secrecy": sorted(rule.own_rule_levels)}}]}})
        if rule.levels:
            kinds.append(
                {"bool": {"filter": [{"terms": {"secrecy": sorted(rule.levels)}}], "must_not": [own]}}
            )
        must.append({"bool": {"should": kinds, "minimum_should_match": 1}})
        if not rule.destroyed:
            must_not.append({"term": {"status": "destroyed"}})
    if query.catalogue_only_ids:
        must_not.append({"terms": {"rid": sorted(query.catalogue_only_ids)}})
    if not must and not must_not:
        return True
    return {"bool": {"filter": must or [{"match_all": {}}], "must_not": must_not}}


def _either(readable: Readable, catalogue: Any, whole: Any) -> dict[str, Any]:
    """Met in the catalogue view, or in the whole record where its content may match. The views
    are given as functions of (fields, skips field)."""
    if readable is True:
        return whole(TEXT_FIELDS, "skips")
    if readable is False:
        return catalogue(CATALOGUE_FIELDS, "cat_skips")
    return {
        "bool": {
            "should": [
                catalogue(CATALOGUE_FIELDS, "cat_skips"),
                {"bool": {"filter": [whole(TEXT_FIELDS, "skips"), readable]}},
            ],
            "minimum_should_match": 1,
        }
    }


def _where_readable(readable: Readable, clause: dict[str, Any]) -> dict[str, Any]:
    if readable is True:
        return clause
    if readable is False:
        return {"bool": {"must_not": [{"match_all": {}}]}}
    return {"bool": {"filter": [clause, readable]}}


def build_query(query: SearchQuery, misreads: bool = True) -> dict[str, Any]:
    """The query; `misreads=False` matches the exact forms only (see MISREAD_CUTOFF)."""
    readable = readable_clause(query)
    filters = access_filters(query.access)
    if query.exclude_ids:
        filters.append({"bool": {"must_not": [{"terms": {"rid": sorted(query.exclude_ids)}}]}})
    for field, values in query.key_filters().items():
        column = {"person_name": "name_key", "id": "rid"}.get(field, field)
        clause = {"terms": {column: [int(v) for v in values] if field == "id" else list(values)}}
        if field == "person_id":  # content: no filter on it where the viewer may not read it
            clause = _where_readable(readable, clause)
        filters.append(clause)
    if query.date_from or query.date_to:
        rng = {}
        if query.date_from:
            rng["gte"] = query.date_from.isoformat()
        if query.date_to:
            rng["lte"] = query.date_to.isoformat()
        filters.append({"range": {"doc_date": rng}})
    terms = query.terms

    def exact(fields: tuple[str, ...], skips: str) -> dict[str, Any]:
        return {"bool": {"must": [_phrase(t.text, fields, t.prefix) for t in terms]}}

    def match(fields: tuple[str, ...], skips: str) -> dict[str, Any]:
        return (
            {"bool": {"must": [_term_clause(t, fields, skips) for t in terms]}}
            if misreads
            else exact(fields, skips)
        )

    should: list[dict[str, Any]] = []
    if terms:
        filters.append(_either(readable, match, match))
        keys = [
            {"term": {"name_key": analysis.key(query.text)}},
            {"term": {"doc_no": analysis.doc_no_key(query.text)}},
            {"term": {"archival_code": query.text.strip()}},
        ]
        if readable is not False:
            keys.append(
                _where_readable(readable, {"term": {"person_id": analysis.person_id_key(query.text)}})
            )
        should = [
            _const(_either(readable, exact, exact), SCORE_EXACT),
            _const({"bool": {"must": [_phrase(t.text, ("title_s",), t.prefix) for t in terms]}}, SCORE_TITLE),
            _const({"bool": {"should": keys, "minimum_should_match": 1}}, SCORE_KEY),
        ]
    return {"bool": {"filter": filters, "must": [_const({"match_all": {}}, SCORE_MATCH)], "should": should}}


SORTS = {
    "relevance": [{"_score": "desc"}, {"doc_date": {"order": "desc", "missing": "_last"}}, {"rid": "desc"}],
    "date": [{"doc_date": {"order": "desc", "missing": "_last"}}, {"rid": "desc"}],
    "archival_code": [{"code_sort": "asc"}, {"rid": "asc"}],
}


class ElasticsearchIndex(SearchIndex):
    backend = "elasticsearch"

    def __init__(
        self,
        url: str | None = None,
        alias: str = DEFAULT_ALIAS,
        *,
        client: Elasticsearch | None = None,
        refresh_writes: bool = False,
        **client_options: Any,
    ):
        if client is None:
            options = {"request_timeout": 30, "max_retries": 2, "retry_on_timeout": True, **client_options}
            client = Elasticsearch(url, **options)
        self.es = client
        self.alias = alias
        self.refresh_writes = refresh_writes  # tests: make each write visible before returning
        self._ready = False

    # -- plumbing --------------------------------------------------------------------------

    def _call(self, fn, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except NotFoundError:
            raise
        except (ApiError, TransportError) as exc:
            self._ready = False  # a restarted server may have lost the alias: check again next time
            raise _unavailable("Elasticsearch", exc) from None

    def _smartcn(self) -> bool:
        try:
            plugins = self.es.nodes.info(metric="plugins")
            return any(
                p.get("name") == "analysis-smartcn"
                for n in plugins["nodes"].values()
                for p in n.get("plugins", [])
            )
        except Exception:
            return False

    def _new_index(self) -> str:
        name = f"{self.alias}-v{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
        body_mappings = mappings(self._smartcn())
        self._call(
            self.es.indices.put_index_template,
            name=self.alias,
            index_patterns=[f"{self.alias}-v*"],
            template={"settings": SETTINGS, "mappings": body_mappings},
        )
        self._call(self.es.indices.create, index=name, settings=SETTINGS, mappings=body_mappings)
        return name

    def _ensure(self) -> None:
        """Create the first versioned index and its alias when there is none."""
        if self._ready:
            return
        if not self._call(self.es.indices.exists_alias, name=self.alias):
            name = self._new_index()
            self._call(
                self.es.indices.update_aliases, actions=[{"add": {"index": name, "alias": self.alias}}]
            )
        else:
            self._check_mapping()
        self._ready = True

    def _check_mapping(self) -> None:
        """An index built before the catalogue view holds the identity number among the catalogue
        fields: searching it would match what the viewer may not read. Refuse until it is rebuilt."""
        found = self._call(self.es.indices.get_mapping, index=self.alias).body
        for index in found.values():
            if "cat_skips" not in index.get("mappings", {}).get("properties", {}):
                raise IndexUnavailable(f"index {self.alias} was built by an older version: run `archive reindex`")

    def _refresh(self, index: str | None = None) -> None:
        self._call(self.es.indices.refresh, index=index or self.alias)

    # -- writing ---------------------------------------------------------------------------

    def index(self, doc: SearchDocument) -> None:
        self.bulk([doc])

    def _actions(self, docs: Iterable[SearchDocument], index: str) -> Iterator[dict[str, Any]]:
        for doc in docs:
            ensure_indexable(doc)
            yield {"_op_type": "index", "_index": index, "_id": str(doc.id), "_source": to_source(doc)}

    def _bulk(self, docs: Iterable[SearchDocument], index: str) -> int:
        ok, errors = 0, []
        try:
            # streaming_bulk retries documents rejected with 429 with exponential back-off.
            for success, item in streaming_bulk(
                self.es,
                self._actions(docs, index),
                chunk_size=500,
                max_retries=6,
                initial_backoff=0.5,
                max_backoff=30,
                raise_on_error=False,
            ):
                if success:
                    ok += 1
                else:
                    errors.append(item)
        except (ApiError, TransportError) as exc:
            self._ready = False
            raise _unavailable("Elasticsearch bulk", exc) from None
        if errors:
            # The id and the error type only: the reason can quote a field's value (a name, an ID number).
            first = next(iter(errors[0].values()), {}) if isinstance(errors[0], dict) else {}
            error = first.get("error") if isinstance(first, dict) else None
            kind = error.get("type", "") if isinstance(error, dict) else str(error or "")[:40]
            raise IndexUnavailable(
                f"Elasticsearch refused {len(errors)} documents, first: record {first.get('_id', '?')}: {kind}"
            )
        return ok

    def bulk(self, docs: Iterable[SearchDocument]) -> int:
        self._ensure()
        n = self._bulk(docs, self.alias)
        if self.refresh_writes:
            self._refresh()
        return n

    def delete(self, record_id: int) -> None:
        self._ensure()
        try:
            self._call(
                self.es.delete, index=self.alias, id=str(record_id), refresh=self.refresh_writes or None
            )
        except NotFoundError:
            pass

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        name = self._new_index()
        try:
            n = self._bulk(docs, name)
            self._refresh(name)
        except BaseException:
            self._call(self.es.indices.delete, index=name)
            raise
        try:
            old = list(self._call(self.es.indices.get_alias, name=self.alias).body)
        except NotFoundError:
            old = []
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self._call(self.es.indices.update_aliases, actions=actions)  # atomic: one request
        for o in old:
            try:
                self._call(self.es.indices.delete, index=o)
            except NotFoundError:
                pass
        self._ready = True
        return n

    # -- reading ---------------------------------------------------------------------------

    def get(self, record_id: int) -> SearchDocument | None:
        self._ensure()
        try:
            res = self._call(self.es.get, index=self.alias, id=str(record_id))
        except NotFoundError:
            return None
        return from_source(res["_id"], res["_source"])

    def count(self) -> int:
        self._ensure()
        return int(self._call(self.es.count, index=self.alias)["count"])

    def digests(self) -> Iterator[tuple[int, str]]:
        self._ensure()
        after = None
        while True:
            kwargs: dict[str, Any] = {"search_after": after} if after else {}
            res = self._call(
                self.es.search,
                index=self.alias,
                query={"match_all": {}},
                sort=[{"rid": "asc"}],
                size=1000,
                source_includes=["digest"],
                **kwargs,
            )
            hits = res["hits"]["hits"]
            for h in hits:
                yield int(h["_id"]), h["_source"].get("digest", "")
            if len(hits) < 1000:
                return
            after = hits[-1]["sort"]

    def health(self) -> Health:
        try:
            self._ensure()
            status = self.es.cluster.health()["status"]
            n = self.count()
            return Health(
                status in ("green", "yellow"), self.backend, n, f"cluster {status}, alias {self.alias}"
            )
        except (IndexUnavailable, ApiError, TransportError) as exc:
            return Health(False, self.backend, None, str(exc))

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        if query.access.deny_all:
            return SearchResult.empty(query)
        self._ensure()
        kwargs: dict[str, Any] = {}
        if query.search_after:
            kwargs["search_after"] = decode_cursor(query.search_after, len(SORTS[query.sort]))
        else:
            kwargs["from_"] = query.offset
        aggs = {
            f: {"terms": {"field": f, "size": FACET_SIZE + 1, "order": [{"_count": "desc"}, {"_key": "asc"}]}}
            for f in query.facets
        }
        misreads = True
        if any(t.fuzzy for t in query.terms):
            # Same rule as every backend: the exact forms first, counted over what the viewer may see.
            exact = self._call(self.es.count, index=self.alias, query=build_query(query, misreads=False))
            misreads = int(exact["count"]) < MISREAD_CUTOFF
        res = self._call(
            self.es.search,
            index=self.alias,
            query=build_query(query, misreads),
            sort=SORTS[query.sort],
            size=query.size,
            track_total_hits=True,
            aggs=aggs or None,
            **kwargs,
        )
        facets = {
            f: [
                (str(b["key"]), int(b["doc_count"]))
                for b in res["aggregations"][f]["buckets"]
                if b["key"] != ""
            ][:FACET_SIZE]
            for f in query.facets
        }
        terms = query.terms
        raw = res["hits"]["hits"]
        hits = tuple(
            make_hit(query.viewer, terms, from_source(h["_id"], h["_source"]), h["_score"] or SCORE_MATCH)
            for h in raw
        )
        cursor = encode_cursor(raw[-1]["sort"]) if raw and len(raw) == query.size else None
        return SearchResult(
            hits, int(res["hits"]["total"]["value"]), facets, (time.perf_counter() - started) * 1000, cursor
        )

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
        self._ensure()
        key_field = "name_key" if field == "person_name" else "title_key"
        res = self._call(
            self.es.search,
            index=self.alias,
            size=0,
            query={
                "bool": {
                    "filter": [*access_filters(access), {"prefix": {key_field: pkey}}],
                    "must_not": [{"terms": {"rid": sorted(exclude)}}] if exclude else [],
                }
            },
            aggs={
                "v": {
                    "terms": {
                        "field": field,
                        "size": limit + 1,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
            },
        )
        return [b["key"] for b in res["aggregations"]["v"]["buckets"] if b["key"] != ""][:limit]

    def close(self) -> None:
        self.es.close()


def _check_url_alias(alias: str) -> str:
    if not alias or not all(c.isalnum() or c in "-_" for c in alias) or alias[0] in "-_":
        raise ValidationError(f"index alias {alias!r}: use letters, digits, - and _")
    return alias.lower()
