"""Fixtures for the ingest pipeline: a catalog, a local object store and small scans made here."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from archive import seed
from archive.db import Catalog
from archive.identity import system
from ingest.pipeline import IngestService, Options
from storage.local import LocalObjectStore

SAMPLES = Path(__file__).resolve().parents[2] / "ingest" / "samples" / "scans"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def small_scan(lines: list[str], *, size=(1400, 120), dpi=300, fmt="PNG") -> bytes:
    """A short page of black text at 300 dpi: enough for OCR, quick to read."""
    height = size[1] * len(lines) + 40
    image = Image.new("L", (size[0], height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 56)
    for i, line in enumerate(lines):
        draw.text((40, 30 + i * size[1]), line, fill=0, font=font)
    buf = io.BytesIO()
    image.save(buf, fmt, dpi=(dpi, dpi))
    return buf.getvalue()


def archivist_env(env: dict, role: str = "archivist") -> dict:
    """`env` (an initialised ARCHIVE_HOME) in which `archive` acts as a logged-in user of `role`
    (made here, cleared to secret), as `archive ingest` and `archive watch` require."""
    from archive import users
    from archive.config import load_settings
    from tests.cli_auth import env_as

    url = load_settings(env).database_url
    name = f"test-{role}"
    catalog = Catalog(url)
    try:
        with catalog.session() as s:
            if name not in {u.username for u in users.list_users(s)}:
                users.add_user(s, actor="test", username=name, role=role, clearance="secret",
                               password="correct-horse-battery")
    finally:
        catalog.dispose()
    return env_as(url, name, env)


@pytest.fixture
def service_factory(tmp_path):
    made = []

    def make(catalog_url: str | None = None, **options) -> IngestService:
        url = catalog_url or f"sqlite:///{tmp_path / 'catalog.db'}"
        catalog = Catalog(url)
        catalog.migrate()
        with catalog.session() as s:
            seed.seed_defaults(s, "test")
        store = LocalObjectStore(tmp_path / "objects")
        made.append(catalog)
        return IngestService(catalog, store, system("test"), options=Options(workers=2, **options))

    yield make
    for catalog in made:
        catalog.dispose()


@pytest.fixture
def service(service_factory):
    return service_factory()
