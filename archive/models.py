"""The catalog: the one source of truth (ARCHITECTURE.md). SQLAlchemy 2 declarative models.

Every table is created by Alembic migrations (archive/migrations); never by create_all in
production code. Secrecy, retention and status columns hold the codes of archive.codes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from archive.clock import utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class Fonds(Base):
    """全宗: one per creating body."""

    __tablename__ = "fonds"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Category(Base):
    """门类 code table (configurable)."""

    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RetentionRule(Base):
    """One entry of the retention schedule (保管期限表). Versioned: edits add a new version.

    Which records it governs and how sure that is: archive.retention_rules.governing_rule (the
    conditions below, migration 0008); the shipped entries are archive.schedule_defaults."""

    __tablename__ = "retention_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(20))  # documents | social_insurance | business | case | personnel
    # None: every category (`*` in the shipped defaults); otherwise the category it applies to.
    category_code: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    kind: Mapped[str] = mapped_column(String(100))  # what the entry covers, e.g. 局务会议纪要
    keywords: Mapped[list] = mapped_column(default=list)  # title words that select this entry (any of them)
    excludes: Mapped[list] = mapped_column(default=list, server_default="[]")  # none of these in the title
    doc_types: Mapped[list] = mapped_column(default=list, server_default="[]")  # any of these 文种
    business_steps: Mapped[list] = mapped_column(default=list, server_default="[]")  # any of these steps (SB)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # outweighs specificity
    confidence: Mapped[float] = mapped_column(Float, default=0.85, server_default="0.85")  # how sure a match is
    retention: Mapped[str] = mapped_column(String(5))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Location(Base):
    """A shelf position: 库房-排-列-节-层."""

    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(100), unique=True)
    room: Mapped[str] = mapped_column(String(20))
    row: Mapped[str] = mapped_column(String(10), default="")
    column: Mapped[str] = mapped_column(String(10), default="")
    section: Mapped[str] = mapped_column(String(10), default="")
    layer: Mapped[str] = mapped_column(String(10), default="")


class Volume(Base):
    """案卷: a bound volume of items."""

    __tablename__ = "volumes"
    id: Mapped[int] = mapped_column(primary_key=True)
    fonds_id: Mapped[int] = mapped_column(ForeignKey("fonds.id"))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(5))
    org_code: Mapped[str] = mapped_column(String(10), default="")
    volume_no: Mapped[int] = mapped_column(Integer)
    archival_code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(String(50), default="")
    secrecy: Mapped[str] = mapped_column(String(15), default="internal")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(15), default="in_store")
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    # Catalogue import (migration 0013): the old term as written (长期), the 起止日期 as written, 备注.
    legacy_retention: Mapped[str] = mapped_column(String(20), default="", server_default="")
    date_range: Mapped[str] = mapped_column(String(40), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Arrangement (migration 0015, archive.arrangement): volume | case_file | dossier; a case file's
    # number and open/closed state (一案一档); a dossier's person; a monthly SB volume's series.
    kind: Mapped[str] = mapped_column(String(12), default="volume", server_default="volume")
    case_no: Mapped[str] = mapped_column(String(60), default="", server_default="")
    case_state: Mapped[str] = mapped_column(String(10), default="", server_default="")
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    person_id_number: Mapped[str] = mapped_column(String(18), default="", server_default="")
    person_name: Mapped[str] = mapped_column(String(50), default="", server_default="")
    insurance_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    business_step: Mapped[str] = mapped_column(String(10), default="", server_default="")
    month: Mapped[int | None] = mapped_column(Integer)
    box_id: Mapped[int | None] = mapped_column(ForeignKey("boxes.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    fonds: Mapped[Fonds] = relationship()
    location: Mapped[Location | None] = relationship()

    __table_args__ = (Index("ix_volumes_person_id", "person_id_number"),)


class Box(Base):
    """档案盒: items filed one by one (DA/T 22) boxed by fonds, category, year, retention and
    organisation, numbered within that series; the item-number range is read from its items."""

    __tablename__ = "boxes"
    id: Mapped[int] = mapped_column(primary_key=True)
    fonds_id: Mapped[int] = mapped_column(ForeignKey("fonds.id"))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(5))
    org_code: Mapped[str] = mapped_column(String(10), default="", server_default="")
    box_no: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    department: Mapped[str] = mapped_column(String(50), default="", server_default="")
    secrecy: Mapped[str] = mapped_column(String(15), default="internal", server_default="internal")
    status: Mapped[str] = mapped_column(String(15), default="in_store", server_default="in_store")
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    fonds: Mapped[Fonds] = relationship()
    location: Mapped[Location | None] = relationship()

    __table_args__ = (UniqueConstraint("fonds_id", "category_code", "year", "retention", "org_code", "box_no",
                                       name="uq_boxes_series_number"),)


class Record(Base):
    """件: one item, with every catalogue field of DOMAIN.md §9 and the secrecy fields of §4."""

    __tablename__ = "records"
    id: Mapped[int] = mapped_column(primary_key=True)
    fonds_id: Mapped[int] = mapped_column(ForeignKey("fonds.id"))
    category_code: Mapped[str] = mapped_column(ForeignKey("categories.code"))
    volume_id: Mapped[int | None] = mapped_column(ForeignKey("volumes.id"))
    box_id: Mapped[int | None] = mapped_column(ForeignKey("boxes.id"))  # 档案盒, item-based filing (0015)
    year: Mapped[int] = mapped_column(Integer)
    retention: Mapped[str] = mapped_column(String(5))
    # The old catalogue's term as written (长期, 短期), kept beside `retention` (migration 0013).
    legacy_retention: Mapped[str] = mapped_column(String(20), default="", server_default="")
    org_code: Mapped[str] = mapped_column(String(10), default="")
    item_no: Mapped[int | None] = mapped_column(Integer)
    archival_code: Mapped[str | None] = mapped_column(String(60), unique=True)
    sequence: Mapped[int | None] = mapped_column(Integer)  # 序号 within its volume or series
    doc_no: Mapped[str] = mapped_column(String(100), default="")  # 文号
    issuer: Mapped[str] = mapped_column(String(200), default="")  # 责任者
    title: Mapped[str] = mapped_column(Text, default="")  # 题名; composed titles are written in [ ]
    doc_date: Mapped[dt.date | None] = mapped_column(Date)
    doc_type: Mapped[str] = mapped_column(String(10), default="")  # 文种
    pages: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    addressees: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(String(50), default="")  # owning department (scope)

    # Secrecy (DOMAIN.md §4)
    secrecy: Mapped[str] = mapped_column(String(15), default="internal")
    secrecy_term_months: Mapped[int | None] = mapped_column(Integer)  # None with a state secret: 长期
    secrecy_start: Mapped[dt.date | None] = mapped_column(Date)
    declassify_on: Mapped[dt.date | None] = mapped_column(Date)
    secrecy_marking: Mapped[str] = mapped_column(String(40), default="")  # as printed, e.g. 秘密★5年
    # Who set the level (定密机关) and how: original (原定密) or derived (派生定密) (migration 0016).
    secrecy_origin: Mapped[str] = mapped_column(String(10), default="", server_default="")  # original | derived
    secrecy_classifier: Mapped[str] = mapped_column(String(200), default="", server_default="")

    # Personnel files (RS) and social insurance (SB)
    person_name: Mapped[str] = mapped_column(String(50), default="")
    person_id_number: Mapped[str] = mapped_column(String(18), default="")
    person_id_valid: Mapped[bool | None] = mapped_column(Boolean)
    personnel_class: Mapped[str] = mapped_column(String(5), default="")
    person_deceased_on: Mapped[dt.date | None] = mapped_column(Date)
    business_step: Mapped[str] = mapped_column(String(10), default="")
    insurance_type: Mapped[str] = mapped_column(String(20), default="")
    # 业务流水号 of the social-insurance transaction the item is (one transaction, one item; 0017).
    transaction_no: Mapped[str] = mapped_column(String(50), default="", server_default="")

    # Disclosure (DOMAIN.md §12)
    disclosure: Mapped[str] = mapped_column(String(15), default="on_request")
    disclosure_reason: Mapped[str] = mapped_column(String(100), default="")
    # Who last reviewed the attribute and when (archive.disclosure.attributes; migration 0023).
    disclosure_reviewed_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    disclosure_reviewed_at: Mapped[dt.datetime | None] = mapped_column()

    # Life cycle
    status: Mapped[str] = mapped_column(String(15), default="received")
    review_reasons: Mapped[list] = mapped_column(default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    source_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)  # digest of the original(s)
    ocr_confidence: Mapped[float | None] = mapped_column()
    retention_start: Mapped[dt.date | None] = mapped_column(Date)
    retention_due: Mapped[dt.date | None] = mapped_column(Date)
    transfer_due: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    filed_at: Mapped[dt.datetime | None] = mapped_column()
    destroyed_at: Mapped[dt.datetime | None] = mapped_column()
    # Transfer to the state archive (移交进馆, migration 0014): where it went and when; the row stays.
    transferred_to: Mapped[str] = mapped_column(String(200), default="", server_default="")
    transferred_at: Mapped[dt.datetime | None] = mapped_column()
    extra: Mapped[dict] = mapped_column(default=dict)  # extraction evidence and field confidences

    fonds: Mapped[Fonds] = relationship()
    volume: Mapped[Volume | None] = relationship()
    page_list: Mapped[list[Page]] = relationship(back_populates="record", order_by="Page.page_no")
    objects: Mapped[list[StoredObject]] = relationship(back_populates="record")

    __table_args__ = (
        Index("ix_records_scope", "category_code", "secrecy", "department"),
        Index("ix_records_retention_due", "retention_due"),
        Index("ix_records_person_id", "person_id_number"),
        Index("ix_records_volume_id", "volume_id"),
        Index("ix_records_box_id", "box_id"),
        Index("ix_records_transaction_no", "transaction_no"),
    )


class Page(Base):
    """One scanned page with its scan metadata (DOMAIN.md §8)."""

    __tablename__ = "pages"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    page_no: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    dpi: Mapped[int | None] = mapped_column(Integer)
    color_mode: Mapped[str] = mapped_column(String(10), default="")
    operator: Mapped[str] = mapped_column(String(50), default="")
    scanned_at: Mapped[dt.datetime | None] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), default="")  # of the page image as stored
    ocr_engine: Mapped[str] = mapped_column(String(20), default="")
    ocr_confidence: Mapped[float | None] = mapped_column()
    ocr_text: Mapped[str] = mapped_column(Text, default="")
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew_angle: Mapped[float] = mapped_column(default=0.0)
    flags: Mapped[list] = mapped_column(default=list)  # low_dpi, red_masthead, red_seal, ...

    record: Mapped[Record] = relationship(back_populates="page_list")
    __table_args__ = (UniqueConstraint("record_id", "page_no", name="uq_pages_record_page"),
                      Index("ix_pages_sha256", "sha256"))  # the same page image in another record (0017)


class StoredObject(Base):
    """A byte stream in the object store, addressed by its SHA-256."""

    __tablename__ = "objects"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(15))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    page_no: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    destroyed_at: Mapped[dt.datetime | None] = mapped_column()

    record: Mapped[Record | None] = relationship(back_populates="objects")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20))
    clearance: Mapped[str] = mapped_column(String(15), default="internal")
    departments: Mapped[list] = mapped_column(default=list)  # empty: all departments
    categories: Mapped[list] = mapped_column(default=list)  # empty: all categories
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A password someone else saw (made by init or by the administrator) is one-time: it must be
    # changed at the first login, before anything else.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_changed_at: Mapped[dt.datetime | None] = mapped_column()
    # Kept in each web session at login; raised at logout, password change or reset and disable,
    # so that a copied cookie stops working at once (archive.accounts, web.auth).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CodeCounter(Base):
    """The last item number issued per archival-code prefix. Only ever increases: codes are never reused."""

    __tablename__ = "code_counters"
    prefix: Mapped[str] = mapped_column(String(60), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(Base):
    """One link of the append-only, hash-chained audit trail. The code has no update or delete path."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(32), index=True)  # ISO-8601 UTC text: hashes the same on every database
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50), index=True)
    target: Mapped[str] = mapped_column(String(100), default="", index=True)
    details: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """A single row holding the chain head; locking it serialises appends across processes."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    hash: Mapped[str] = mapped_column(String(64))
    anchored_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    anchored_at: Mapped[str | None] = mapped_column(String(32))  # ISO-8601 UTC of the last anchor


class IndexOutbox(Base):
    """Records whose index entry must be (re)built or removed; written in the record's own
    transaction so nothing is lost while the index is down. Drained by search's indexer."""

    __tablename__ = "index_outbox"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = mapped_column(String(10), default="upsert")  # upsert | delete
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


def _disclosure_by_nature(_mapper: object, _connection: object, record: Record) -> None:
    """State secrets and personnel files are never disclosed (DOMAIN.md §12): whatever sets a
    record's secrecy or category (ingest, a correction, a secrecy review), its disclosure
    attribute follows in the same flush (archive.disclosure.codes.default_for)."""
    from archive.disclosure.codes import default_for

    forced = default_for(record.secrecy or "internal", record.category_code or "")
    if forced is not None and (record.disclosure != forced[0] or not record.disclosure_reason):
        record.disclosure, record.disclosure_reason = forced


event.listen(Record, "before_insert", _disclosure_by_nature)
event.listen(Record, "before_update", _disclosure_by_nature)


class IngestLease(Base):
    """Issue 16: who is processing a record now, until when (ingest.leases). A run claims it
    before touching the record and renews it while it works; filing checks it under the row
    lock, so a redelivered task or a second `archive ingest` never files a record twice."""

    __tablename__ = "ingest_leases"
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))  # host:pid:random of one run
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
