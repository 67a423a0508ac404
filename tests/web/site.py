"""A small archive for the web tests: users of every role, records at every level, one page image each."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from archive import seed, users
from archive.config import load_settings
from archive.models import Fonds, Location, Page, Record, StoredObject, Volume
from archive.runtime import Runtime

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
PASSWORD = "correct-horse-battery"
USERS = {
    # name: (role, clearance)
    "archivist": ("archivist", "secret"),
    "staff": ("staff", "internal"),
    "auditor": ("auditor", "internal"),
    "admin": ("sysadmin", "internal"),
    "secofficer": ("security_officer", "internal"),
    # Lending and retention (issues 5 and 6): approvers, appraisers and witnesses.
    "depthead": ("dept_head", "internal"),
    "leader": ("leader", "secret"),
    "leader2": ("leader", "secret"),
    "director": ("director", "secret"),
    "appraiser1": ("appraiser", "internal"),
    "appraiser2": ("appraiser", "internal"),
    "appraiser3": ("appraiser", "internal"),
    "witness1": ("witness", "internal"),
    "witness2": ("witness", "internal"),
}
XSS = "<script>alert('ocr')</script>"


def text_png(text: str, size: tuple[int, int] = (1200, 500), font_size: int = 56) -> bytes:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, font_size)
    for n, line in enumerate(text.splitlines()):
        draw.text((60, 60 + n * (font_size + 24)), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def build_site(home: Path, template: Path) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, home / "catalog.db")
    settings = load_settings({"ARCHIVE_HOME": str(home)})
    runtime = Runtime(settings, nudge="inline")  # the unit of work indexes the records after commit
    image_key = runtime.store.put(text_png("测试页面"), media_type="image/png")
    ids = {}
    with runtime.unit_of_work() as s:
        seed.seed_defaults(s, "test")
        for name, (role, clearance) in USERS.items():
            users.add_user(s, actor="test", username=name, role=role, clearance=clearance, password=PASSWORD)
        fonds = s.query(Fonds).filter_by(code="J001").one()
        shelf = Location(path="1-01-02-3-4", room="1", row="01", column="02", section="3", layer="4")
        s.add(shelf)
        s.flush()
        for n, level in enumerate(("internal", "secret"), 1):
            volume = Volume(fonds_id=fonds.id, category_code="WS", year=2019, retention="D30", volume_no=n,
                            archival_code=f"J001-WS·2019-D30-V{n:03d}", title=f"2019年文书第{n}卷", secrecy=level,
                            location_id=shelf.id)
            s.add(volume)
            s.flush()
            ids[f"volume_{level}"] = volume.id
        for level, title, text in (
            ("public", "关于养老保险待遇调整的通知", ("养老保险待遇调整 第一页", "退休金核定表 第二页")),
            ("internal", "关于劳动仲裁案件的报告", (XSS + " 劳动仲裁", "劳动仲裁 第二页")),
            ("secret", "关于机密人事调整的请示", ("机密人事调整 内容", "机密人事调整 附件")),
            ("top_secret", "", ("", "")),
        ):
            record = Record(fonds_id=fonds.id, category_code="WS", year=2019, retention="D30", status="filed",
                            secrecy=level, title=title, doc_date=dt.date(2019, 5, 1), pages=2,
                            filed_at=dt.datetime.now(dt.UTC))
            s.add(record)
            s.flush()
            record.archival_code = f"J001-WS·2019-D30-{record.id:04d}"
            for n in (1, 2):
                s.add(Page(record_id=record.id, page_no=n, ocr_text=text[n - 1]))
                s.add(StoredObject(sha256=image_key, size=1, media_type="image/png", role="page_image",
                                   record_id=record.id, page_no=n))
            ids[level] = record.id
    runtime.close()
    return {"settings": settings, "ids": ids}
