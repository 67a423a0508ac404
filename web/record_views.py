"""Presenting a record's services (archive.records, ingest.corrections) to the web: streaming a
stored object, a watermarked page, the correction form's fields. No decision is taken here."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response, stream_with_context

from archive.records import Download, PageImage
from ingest.corrections import FORM_FIELDS
from web.auth import services


def stream(key: str, media_type: str, **headers: str) -> Response:
    """A stored object to the client, chunk by chunk (a PDF of a thousand pages included)."""
    body = services().store.get(key)

    def chunks():
        with body:
            while chunk := body.read(1 << 16):
                yield chunk

    return Response(stream_with_context(chunks()), mimetype=media_type, headers=headers)


def send_page(image: PageImage) -> Response:
    if image.body is not None:  # read through a viewing grant: watermarked, never cached
        return Response(image.body, mimetype=image.media_type, headers={"Cache-Control": "no-store"})
    assert image.key is not None
    return stream(image.key, image.media_type)


def send_download(found: Download) -> Response:
    return stream(found.key, found.media_type, **{"Content-Disposition": f'attachment; filename="{found.filename}"'})


def correction_values(values: Mapping) -> dict[str, str]:
    """The correction form's fields (or the API body's) that carry text; the service leaves out
    what did not change."""
    return {k: values[k] for k in FORM_FIELDS if isinstance(values.get(k), str)}
