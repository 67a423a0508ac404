"""Certified copies (复制件): chosen pages of records as one PDF/A with the 档案专用章 and the
annotation DOMAIN.md §15 asks for (copying organ, time in Beijing time, number of copies, the
requester), a serial number, and a last page saying how to verify it.

The SHA-256 of the exact bytes handed out is kept with the serial; `/verify/<serial>` answers
whether a copy with that serial and digest was issued, and nothing else (no title, no content):
a receiving unit uploads the file or types its digest, and one changed byte fails.

Copying follows the rules: top-secret records are never copied; secret levels and personnel files
need an approval on record (the issuing organ's for a superior organ's secret document).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import secrets
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit, copying, paper
from archive.arrangement.common import record_ref, unit_name
from archive.clock import CHINA, utcnow
from archive.codes import SECRECY_ZH, ObjectRole, Role, Secrecy
from archive.errors import Forbidden, NotFound, ValidationError
from archive.identity import Identity
from archive.models import Page, Record, StoredObject, User
from archive.policy import Action, rank, require
from archive.utilization import purposes, seal
from archive.utilization.messages import FORMS, label, msg
from archive.utilization.models import CertifiedCopy, UtilizationRequest
from archive.utilization.requests import beijing, desk, request_ref

MAX_COPIES = 20
MAX_PAGES = 200
FORM_CODES = tuple(FORMS)
_HEX = re.compile(r"[0-9a-f]{64}")
MARGIN = 36
FOOTER = 150


class Store(Protocol):
    def put(self, data: bytes, *, media_type: str = ...) -> str: ...
    def get(self, key: str) -> Any: ...


@dataclasses.dataclass(frozen=True)
class Issued:
    copy: dict[str, Any]
    pdf: bytes


@dataclasses.dataclass(frozen=True)
class Part:
    record: Record
    pages: list[int]


def parse_pages(text: str | Sequence[int], total: int) -> list[int]:
    """'1-3,5' → [1, 2, 3, 5]; every page between 1 and `total`, in order, once each."""
    if not isinstance(text, str):
        numbers = [int(n) for n in text]
    else:
        numbers = []
        for part in (p.strip() for p in text.replace("，", ",").split(",") if p.strip()):
            bounds = re.fullmatch(r"(\d{1,5})(?:\s*[-–~]\s*(\d{1,5}))?", part)
            if bounds is None:
                raise ValidationError(msg("pages", pages=text[:30]))
            first, last = int(bounds[1]), int(bounds[2] or bounds[1])
            if last < first:
                raise ValidationError(msg("pages", pages=text[:30]))
            numbers += range(first, last + 1)
    chosen = sorted(set(numbers))
    if not chosen or len(chosen) > MAX_PAGES or chosen[0] < 1 or chosen[-1] > max(total, 0):
        raise ValidationError(msg("pages", pages=str(text)[:30]))
    return chosen


def _page_count(session: Session, record: Record) -> int:
    counted = session.execute(select(func.max(Page.page_no)).where(Page.record_id == record.id)).scalar()
    return max(record.pages or 0, counted or 0)


def copy_rule(record: Record, approval: str) -> None:
    """No copy of top-secret records; secret levels and personnel files need an approval on record."""
    if record.secrecy == Secrecy.TOP_SECRET:
        raise Forbidden(msg("top_secret"))
    if rank(record.secrecy) >= rank(Secrecy.SECRET) and not approval.strip():
        raise Forbidden(msg("needs_approval", what=SECRECY_ZH[Secrecy(record.secrecy)]))
    if record.category_code == "RS" and not approval.strip():
        raise Forbidden(msg("needs_approval", what="人事档案"))


# -- issuing ---------------------------------------------------------------------------------------
def issue(session: Session, identity: Identity, record: str | int, *, pages: str | Sequence[int], copies: int,
          requester: str = "", store: Store, request: str | int | None = None, copying_organ: str = "",
          form: str = "electronic", approval: str = "", approved_by: str = "", purpose: str = "",
          seal_path: str = "", verify_url: str = "/verify/") -> Issued:
    """The archivist issues a certified copy of `pages` of `record` (within their clearance);
    `approved_by` is the approver's user name, `approval` the issuing organ's approval (its
    letter or reference) where a superior organ's secret document is copied."""
    viewer = desk(session, identity)
    row = record_ref(session, viewer, record)
    require(viewer, Action.VIEW_CONTENT, row)
    copy_rule(row, approval or approved_by)
    linked = request_ref(session, viewer, request) if request not in (None, "") else None
    if linked is not None:
        requester = requester or linked.requester_name
        purpose = purpose or linked.purpose
    if purpose:
        purpose = purposes.checked(session, purpose)
    part = Part(row, parse_pages(pages, _page_count(session, row)))
    issued = make_copy(session, viewer.username, [part], copies=copies, requester=requester, store=store,
                       request=linked, copying_organ=copying_organ, form=form,
                       approval=" ".join(filter(None, [approved_by, approval])), purpose=purpose,
                       seal_path=seal_path, verify_url=verify_url)
    if linked is not None and row.id not in (linked.found or []):
        linked.found = [*(linked.found or []), row.id]
        linked.level = max([linked.level, row.secrecy], key=rank)
    _register_internally(session, identity, row, part.pages, copies, issued.copy, approval=approval,
                         approved_by=approved_by, purpose=purpose, request=linked)
    return issued


def make_copy(session: Session, actor: str, parts: Sequence[Part], *, copies: int, requester: str, store: Store,
              request: UtilizationRequest | None = None, copying_organ: str = "", form: str = "electronic",
              approval: str = "", purpose: str = "", seal_path: str = "", verify_url: str = "/verify/") -> Issued:
    """Render, keep (object store) and register one copy; the trail names every record and page."""
    requester = (requester or "").strip()
    if not requester:
        raise ValidationError(msg("name_needed"))
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError(msg("copies", most=MAX_COPIES))
    if form not in FORM_CODES:
        raise ValidationError(f"form must be one of {', '.join(FORM_CODES)}")
    organ = (copying_organ or "").strip()[:200] or unit_name(session)
    now = utcnow()
    serial = _serial(session, now)
    sheet = Sheet(serial=serial, organ=organ, when=beijing(now), copies=copies, requester=requester[:50],
                  form=form, seal_path=seal_path, verify_url=verify_url)
    pdf = render(sheet, parts, lambda record, page_no: _page_bytes(session, store, record, page_no))
    key = store.put(pdf, media_type="application/pdf")
    digest = hashlib.sha256(pdf).hexdigest()
    level = max((p.record.secrecy for p in parts), key=rank, default="public")
    row = CertifiedCopy(serial=serial, request_id=request.id if request else None,
                        items=[{"record": p.record.id, "pages": p.pages} for p in parts], level=level, copies=copies,
                        form=form, copying_organ=organ, requester_name=requester[:50], purpose=purpose,
                        approval=approval.strip()[:200], sha256=digest, issued_by=actor, issued_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "copy.issue", f"copy:{row.id}", {
        "serial": serial, "sha256": digest, "key": key, "copies": copies, "form": form, "level": level,
        "items": row.items, "request": request.number if request else ""})
    return Issued(copy_json(row), pdf)


def _serial(session: Session, now: dt.datetime) -> str:
    year = now.astimezone(CHINA).year
    count = session.execute(select(func.count()).select_from(CertifiedCopy)
                            .where(CertifiedCopy.serial.like(f"FZ{year}-%"))).scalar_one()
    # The random tail keeps serials from being guessed one after another at /verify.
    return f"FZ{year}-{count + 1:06d}-{secrets.token_hex(2).upper()}"


def _page_bytes(session: Session, store: Store, record: Record, page_no: int) -> bytes | None:
    obj = session.execute(select(StoredObject).where(
        StoredObject.record_id == record.id, StoredObject.role == ObjectRole.PAGE_IMAGE.value,
        StoredObject.page_no == page_no, StoredObject.destroyed_at.is_(None)).order_by(StoredObject.id.desc())
    ).scalars().first()
    if obj is None:
        return None
    with store.get(obj.sha256) as body:
        return body.read()


def _register_internally(session: Session, identity: Identity, record: Record, pages: list[int], copies: int,
                         copy: dict[str, Any], *, approval: str, approved_by: str, purpose: str,
                         request: UtilizationRequest | None) -> None:
    """Every copy also goes into the internal copy register (archive.copying), which checks the
    approver (office director or leader in charge; for secret levels the leader) and, for a
    superior organ's secret document, the issuing organ's approval."""
    copying.register_copy(session, identity, record, pages=_compact(pages), copies=copies,
                          copying_organ=copy["copying_organ"], purpose=purpose or "certified_copy",
                          issuing_organ_approval=approval or None, approved_by=approved_by or None,
                          request_no=request.number if request else "")


def _compact(pages: list[int]) -> str:
    """[1, 2, 3, 5] → '1-3,5'."""
    runs: list[list[int]] = []
    for n in pages:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)


# -- rendering -------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Sheet:
    serial: str
    organ: str
    when: str
    copies: int
    requester: str
    form: str
    seal_path: str = ""
    verify_url: str = "/verify/"


def render(sheet: Sheet, parts: Sequence[Part], load: Callable[[Record, int], bytes | None]) -> bytes:
    """The copy as PDF/A-2b: each chosen page with the annotation and the seal, then the
    verification page."""
    out = io.BytesIO()
    pdf = paper.canvas(out, title=f"复制件 {sheet.serial}")
    font = paper.font()
    total = sum(len(p.pages) for p in parts)
    stamp = ImageReader(seal.seal_image(sheet.seal_path))
    n = 0
    for part in parts:
        for page_no in part.pages:
            n += 1
            _page(pdf, font, sheet, part.record, page_no, load(part.record, page_no), stamp, n, total)
            pdf.showPage()
    _verification_page(pdf, font, sheet, parts, total)
    pdf.showPage()
    pdf.save()
    return paper.pdfa_bytes(out.getvalue())


def _page(pdf: Any, font: str, sheet: Sheet, record: Record, page_no: int, image: bytes | None, stamp: ImageReader,
          n: int, total: int) -> None:
    width, height = A4
    pdf.setFont(font, 9)
    marking = record.secrecy_marking or (SECRECY_ZH.get(Secrecy(record.secrecy), "")
                                         if record.secrecy != Secrecy.PUBLIC else "")
    pdf.drawString(MARGIN, height - MARGIN + 8, marking)  # a copy carries the original's level
    pdf.drawRightString(width - MARGIN, height - MARGIN + 8,
                        f"复制件 {sheet.serial}  第 {n} 页 / 共 {total} 页")
    box_w, box_h = width - 2 * MARGIN, height - 2 * MARGIN - FOOTER
    if image is not None:
        with Image.open(io.BytesIO(image)) as opened:
            picture = opened.convert("L" if opened.mode in ("1", "L", "LA") else "RGB")
        scale = min(box_w / picture.width, box_h / picture.height)
        w, h = picture.width * scale, picture.height * scale
        pdf.drawImage(ImageReader(picture), MARGIN + (box_w - w) / 2, MARGIN + FOOTER + (box_h - h), w, h)
    else:
        text = pdf.beginText(MARGIN, height - MARGIN - 16)
        text.setFont(font, 10)
        page = next((p for p in record.page_list if p.page_no == page_no), None)
        for line in (page.ocr_text if page else "").splitlines()[:60]:
            text.textLine(line[:60])
        pdf.drawText(text)
    pdf.rect(MARGIN, MARGIN, box_w, FOOTER - 10)
    lines = [f"本件复制自档号 {record.archival_code or record.id} 第 {page_no} 页，与原件相符",
             f"复制机关：{sheet.organ}", f"复制时间：{sheet.when}（北京时间）",
             f"份数：{sheet.copies} 份（{label(FORMS, sheet.form, 'zh')}）", f"申请人：{sheet.requester}",
             f"编号：{sheet.serial}"]
    for i, line in enumerate(lines):
        pdf.drawString(MARGIN + 10, MARGIN + FOOTER - 30 - i * 17, line[:70])
    side = FOOTER - 20
    pdf.drawImage(stamp, width - MARGIN - side - 10, MARGIN + 5, side, side)


def _verification_page(pdf: Any, font: str, sheet: Sheet, parts: Sequence[Part], total: int) -> None:
    width, height = A4
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, height - 90, "复制件核验说明")
    pdf.setFont(font, 11)
    lines = [f"编号：{sheet.serial}", f"复制机关：{sheet.organ}", f"复制时间：{sheet.when}（北京时间）",
             f"份数：{sheet.copies} 份", f"复制页数：{total} 页（不含本页）", "",
             f"核验方法：打开本系统的核验页 {sheet.verify_url}{sheet.serial} ，",
             "上传收到的电子文件，或输入其 SHA-256 摘要；文件有任何改动即核验不通过。",
             "核验页只显示编号、出具日期、出具单位和摘要是否相符，不显示档案内容。"]
    for i, line in enumerate(lines):
        pdf.drawString(MARGIN + 20, height - 140 - i * 22, line)


# -- reading and verifying -------------------------------------------------------------------------
def copy_json(row: CertifiedCopy) -> dict[str, Any]:
    return {"serial": row.serial, "sha256": row.sha256, "copies": row.copies, "form": row.form,
            "form_label": label(FORMS, row.form), "copying_organ": row.copying_organ,
            "requester_name": row.requester_name, "issued_at": beijing(row.issued_at),
            "items": list(row.items or []), "request_id": row.request_id}


def _by_serial(session: Session, serial: str) -> CertifiedCopy | None:
    text = (serial or "").strip().upper()[:40]
    return session.execute(select(CertifiedCopy).where(CertifiedCopy.serial == text)).scalar_one_or_none()


def verify(session: Session, identity: Identity, serial: str, *, digest: str = "",
           data: bytes | None = None) -> dict[str, Any]:
    """Public: was a copy with this serial issued, and (given a digest or the file) is it this one?
    Answers serial, issue date, issuing unit and whether the digest matches; audited."""
    given = hashlib.sha256(data).hexdigest() if data is not None else (digest or "").strip().lower()
    if given and not _HEX.fullmatch(given):
        raise ValidationError(msg("digest"))
    row = _by_serial(session, serial)
    answer: dict[str, Any] = {"serial": (serial or "").strip().upper()[:40], "issued": row is not None}
    if row is not None:
        issued_on = row.issued_at if row.issued_at.tzinfo else row.issued_at.replace(tzinfo=dt.UTC)
        answer.update(serial=row.serial, issued_on=issued_on.astimezone(CHINA).date().isoformat(),
                      issuing_unit=row.copying_organ)
    answer["checked"] = bool(given)
    answer["match"] = bool(row is not None and given and secrets.compare_digest(given, row.sha256))
    audit.record(session, identity.username, "copy.verify", f"copy:{row.id}" if row else "",
                 {"serial": answer["serial"], "checked": answer["checked"], "match": answer["match"]})
    return answer


def copy_file(session: Session, identity: Identity, serial: str, store: Store) -> tuple[bytes, str]:
    """The archivist fetches an issued copy again (within clearance); audited."""
    viewer = desk(session, identity)
    row = _by_serial(session, serial)
    if row is None or rank(row.level) > rank(viewer.clearance):
        raise NotFound(f"copy {serial[:40]} does not exist")
    for item in row.items or []:
        record_ref(session, viewer, item["record"])  # NotFound outside the viewer's scope
    with store.get(row.sha256) as body:
        pdf = body.read()
    audit.record(session, viewer.username, "copy.download", f"copy:{row.id}", {"serial": row.serial})
    return pdf, f"{row.serial}.pdf"


def approvers(session: Session, identity: Identity) -> list[dict[str, str]]:
    """Whom the desk may name as a copy's approver (picked from a list, never typed)."""
    desk(session, identity)
    roles = [Role.OFFICE_DIRECTOR.value, Role.LEADER.value, Role.DIRECTOR.value]
    rows = session.execute(select(User).where(User.role.in_(roles), User.active.is_(True))
                           .order_by(User.role, User.username)).scalars()
    return [{"username": u.username, "display_name": u.display_name or u.username, "role": u.role} for u in rows]
