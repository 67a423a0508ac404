"""The query model, the result model and the `SearchIndex` interface every backend implements.

A query always carries its viewer: backends translate `archive.policy.record_filter(viewer)`
into their own filter, and every number they return (hits, totals, facet counts, snippets,
suggestions) is computed over the records that pass it. Among those, text matches a record's
content (page text, identity number) only where `archive.policy.content_filter(viewer)` lets the
viewer read it; elsewhere only its catalogue fields match, so search is no oracle for hidden text. Scores are constants per matched
clause, never collection statistics (BM25's IDF would let records the viewer cannot see
change the order of those they can).
"""

from __future__ import annotations

import abc
import base64
import binascii
import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from archive.codes import Secrecy
from archive.errors import ArchiveError, ValidationError
from archive.policy import AccessFilter, ContentFilter, Viewer, content_filter, record_filter
from search import analysis

FACET_FIELDS = (
    "category",
    "year",
    "retention",
    "secrecy",
    "fonds",
    "doc_type",
    "personnel_class",
    "business_step",
)
# Exact-value filters; `id` restricts a search to one record (search within a record).
FILTER_FIELDS = FACET_FIELDS + (
    "department",
    "status",
    "person_id",
    "person_name",
    "doc_no",
    "archival_code",
    "id",
)
SORTS = ("relevance", "date", "archival_code")
SUGGEST_FIELDS = ("person_name", "title")
MAX_QUERY_CHARS = 1000
MAX_WINDOW = 10_000  # page * size beyond this: use the search_after cursor
MAX_SIZE = 100
FACET_SIZE = 50

# Constant scores, summed (see the module note): base match, every term exact somewhere,
# every term exact in the title, the whole query equal to an identifying field.
SCORE_MATCH, SCORE_EXACT, SCORE_TITLE, SCORE_KEY = 1.0, 4.0, 8.0, 16.0
# One-misread-character variants help recall when a term is rare. When the viewer may see this
# many records with the exact term, a backend may leave the variants out: they would rank after
# every one of those, and on a large holding they cost most of the query (docs/benchmarks.md).
MISREAD_CUTOFF = 10_000


class IndexUnavailable(ArchiveError):
    """The index cannot be reached or written (server down, disk full); retry later."""


class LeakError(ArchiveError):
    """A document would put top-secret title or text into the index (DOMAIN.md §4)."""


@dataclasses.dataclass(frozen=True)
class SearchQuery:
    viewer: Viewer
    text: str = ""
    filters: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    facets: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    size: int = 10
    search_after: str | None = None  # the `cursor` of the previous result: deep paging
    include_destroyed: bool = False
    # Set by search.service while the index lags the catalog: records left out whatever their index
    # entry says, and records whose content must not match (the catalog says so; the index not yet).
    exclude_ids: frozenset[int] = frozenset()
    catalogue_only_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        filters = {}
        for name, values in dict(self.filters).items():
            if name not in FILTER_FIELDS:
                raise ValidationError(f"unknown filter field {name!r}; use one of {', '.join(FILTER_FIELDS)}")
            vals = (values,) if isinstance(values, str | int) else tuple(values)
            if not vals or len(vals) > 50 or any(len(str(v)) > 200 for v in vals):
                raise ValidationError(f"filter {name!r} needs 1 to 50 values of at most 200 characters")
            filters[name] = tuple(str(v) for v in vals)
        object.__setattr__(self, "filters", filters)
        object.__setattr__(self, "facets", tuple(self.facets))
        object.__setattr__(self, "exclude_ids", frozenset(int(i) for i in self.exclude_ids))
        object.__setattr__(self, "catalogue_only_ids", frozenset(int(i) for i in self.catalogue_only_ids))
        for f in self.facets:
            if f not in FACET_FIELDS:
                raise ValidationError(f"unknown facet {f!r}; use one of {', '.join(FACET_FIELDS)}")
        if not isinstance(self.text, str):
            raise ValidationError("query text must be a string")
        if len(self.text) > MAX_QUERY_CHARS:
            raise ValidationError(
                f"query is {len(self.text)} characters long; at most {MAX_QUERY_CHARS} are searched"
            )
        if len(analysis.query_terms(self.text)) > analysis.MAX_TERMS:
            raise ValidationError(f"query has more than {analysis.MAX_TERMS} words")
        if self.sort not in SORTS:
            raise ValidationError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if not (1 <= self.size <= MAX_SIZE):
            raise ValidationError(f"page size must be between 1 and {MAX_SIZE}")
        if self.page < 1 or self.page * self.size > MAX_WINDOW:
            raise ValidationError(
                f"page must be at least 1 and page x size at most {MAX_WINDOW}; page on with the cursor"
            )
        if self.search_after is not None and self.page != 1:
            raise ValidationError("a cursor continues from its own position: page must be 1")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError("date_from is after date_to")
        if "id" in self.filters and not all(v.isdigit() for v in self.filters["id"]):
            raise ValidationError("filter 'id' takes record numbers")

    @property
    def access(self) -> AccessFilter:
        return record_filter(self.viewer, include_destroyed=self.include_destroyed)

    @functools.cached_property
    def readable(self) -> ContentFilter | bool:
        """Whose content (page text, identity number) may match: every record this query may find
        (True), none (False), or those `archive.policy.content_filter` lets through. The lag's
        `catalogue_only_ids` come on top, for the backends to add."""
        content = content_filter(self.viewer)
        if content.everything:
            return True
        access = self.access
        held = access.secrecy - CONTENTLESS_LEVELS
        kinds = []
        if access.categories is None or access.categories - content.own_rule:
            kinds.append(content.levels)
        if access.categories is None or access.categories & content.own_rule:
            kinds.append(content.own_rule_levels)
        if all(not held & levels for levels in kinds):
            return False
        if not access.include_destroyed and all(held <= levels for levels in kinds):
            return True
        return content

    @property
    def terms(self) -> list[analysis.Term]:
        return analysis.query_terms(self.text)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def key_filters(self) -> dict[str, tuple[str, ...]]:
        """Filter values as stored in the index (identity numbers upper-case, names normalised)."""
        norm = {
            "person_id": analysis.person_id_key,
            "doc_no": analysis.doc_no_key,
            "person_name": analysis.key,
        }
        return {k: tuple(norm[k](v) if k in norm else v for v in vs) for k, vs in self.filters.items()}


def encode_cursor(values: Iterable[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode()


def decode_cursor(cursor: str, length: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, UnicodeError):
        raise ValidationError("the cursor is not one this search returned") from None
    if (
        not isinstance(values, list)
        or len(values) != length
        or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values)
    ):
        raise ValidationError("the cursor is not one this search returned")
    return values


@dataclasses.dataclass(frozen=True)
class Snippet:
    html: str  # escaped text with the matches in <em>...</em>
    page: int | None  # page number of the scan; None for a hit in the title or catalogue fields


@dataclasses.dataclass(frozen=True)
class Hit:
    id: int
    archival_code: str
    title: str
    score: float
    snippets: tuple[Snippet, ...] = ()
    doc_date: str | None = None
    secrecy: str = ""
    category: str = ""

    @property
    def page(self) -> int | None:
        """The page of the first snippet that has one."""
        return next((s.page for s in self.snippets if s.page is not None), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "archival_code": self.archival_code,
            "title": self.title,
            "score": self.score,
            "snippets": [{"html": s.html, "page": s.page} for s in self.snippets],
            "page": self.page,
            "doc_date": self.doc_date,
            "secrecy": self.secrecy,
            "category": self.category,
        }


@dataclasses.dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    took_ms: float = 0.0
    cursor: str | None = None  # pass as search_after for the next page

    @classmethod
    def empty(cls, query: SearchQuery) -> SearchResult:
        return cls((), 0, {f: [] for f in query.facets})

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [[v, c] for v, c in vs] for k, vs in self.facets.items()},
            "took_ms": round(self.took_ms, 2),
            "cursor": self.cursor,
        }


@dataclasses.dataclass(frozen=True)
class PageText:
    page_no: int
    text: str


@dataclasses.dataclass(frozen=True)
class SearchDocument:
    """What the index holds of one record (built by search.documents from the catalog)."""

    id: int
    archival_code: str = ""
    title: str = ""
    doc_no: str = ""
    issuer: str = ""
    person_name: str = ""
    person_id: str = ""
    category: str = ""
    year: str = ""
    retention: str = ""
    secrecy: str = "internal"
    fonds: str = ""
    doc_type: str = ""
    personnel_class: str = ""
    business_step: str = ""
    department: str = ""
    status: str = "filed"
    doc_date: str | None = None  # ISO date
    pages: tuple[PageText, ...] = ()

    # RecordLike, for archive.policy
    @property
    def category_code(self) -> str:
        return self.category

    @property
    def catalogue_text(self) -> str:
        """The catalogue fields searched as text beside the title: matched for anyone who sees the record."""
        return " ".join((self.archival_code, self.doc_no, self.issuer, self.person_name))

    @property
    def private_text(self) -> str:
        """Filing data that is content (the identity number is not on the catalogue card): matched,
        like the pages, only for viewers who may read the record's content."""
        return self.person_id

    def canonical_json(self) -> bytes:
        """The document as JSON with sorted keys: what `digest` fingerprints (and a backend may store)."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode()

    @property
    def digest(self) -> str:
        """Content fingerprint: `archive index check` compares it to find stale entries."""
        return digest_of(self.canonical_json())

    def to_dict(self) -> dict[str, Any]:
        # by hand, not dataclasses.asdict (which deep-copies): this runs for every indexed record
        d = {f: getattr(self, f) for f in _DOC_SCALARS}
        d["pages"] = [{"page_no": p.page_no, "text": p.text} for p in self.pages]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SearchDocument:
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in d.items() if k in fields}
        values["pages"] = tuple(PageText(int(p["page_no"]), p["text"]) for p in d.get("pages") or ())
        values["id"] = int(values["id"])
        return cls(**values)


def digest_of(canonical_json: bytes) -> str:
    """`SearchDocument.digest` of a document's `canonical_json`."""
    return hashlib.sha256(canonical_json).hexdigest()[:32]


_DOC_SCALARS = tuple(f.name for f in dataclasses.fields(SearchDocument) if f.name != "pages")
SECRECY_LEVELS = tuple(level.value for level in Secrecy)
CONTENT_FIELDS = ("title", "doc_no", "issuer", "person_name", "person_id")
CONTENTLESS_LEVELS = frozenset({"top_secret"})  # the index holds no text of these (ensure_indexable)


def ensure_indexable(doc: SearchDocument) -> None:
    """Every backend calls this in index(): top-secret records carry filing data only, and every
    record one known secrecy level (the backends' clearance filters rely on it)."""
    if doc.secrecy not in SECRECY_LEVELS:
        raise ValueError(f"record {doc.id}: unknown secrecy level {doc.secrecy!r}")
    if doc.secrecy == "top_secret" and (doc.pages or any(getattr(doc, f) for f in CONTENT_FIELDS)):
        raise LeakError(f"record {doc.id}: top_secret title or text must not be indexed")


@dataclasses.dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    documents: int | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class SearchIndex(abc.ABC):
    """A derived, rebuildable search view of the catalog."""

    backend = "abstract"

    @abc.abstractmethod
    def index(self, doc: SearchDocument) -> None: ...

    @abc.abstractmethod
    def bulk(self, docs: Iterable[SearchDocument]) -> int:
        """Index many documents; returns how many were written."""

    @abc.abstractmethod
    def delete(self, record_id: int) -> None:
        """Remove one record; removing an absent one is not an error."""

    @abc.abstractmethod
    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Build a fresh index from `docs` and switch to it at once; the old one serves until then."""

    @abc.abstractmethod
    def health(self) -> Health: ...

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abc.abstractmethod
    def suggest(
        self,
        prefix: str,
        viewer: Viewer,
        field: str = "person_name",
        limit: int = 10,
        exclude: frozenset[int] = frozenset(),
    ) -> list[str]:
        """Values of `field` starting with `prefix` among the records the viewer may see, leaving out
        `exclude` (records the index may hold as they were: search.service)."""

    @abc.abstractmethod
    def count(self) -> int:
        """Documents in the index (all of them: for operators, not for users)."""

    @abc.abstractmethod
    def digests(self) -> Iterator[tuple[int, str]]:
        """(record id, digest) of every document, for `archive index check`."""

    @abc.abstractmethod
    def get(self, record_id: int) -> SearchDocument | None:
        """The stored document (for operators and tests)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        pass


def check_suggest(prefix: str, field: str, limit: int) -> str:
    if field not in SUGGEST_FIELDS:
        raise ValidationError(f"suggestions are for {', '.join(SUGGEST_FIELDS)}, not {field!r}")
    if not (1 <= limit <= 50):
        raise ValidationError("suggestion limit must be between 1 and 50")
    if len(prefix) > 100:
        raise ValidationError("suggestion prefix is longer than 100 characters")
    return analysis.key(prefix)
