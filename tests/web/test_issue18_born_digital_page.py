"""Issue 18 #3 on the record page and the API: a born-digital record says what its original is
(OFD kept as the original) and what was verified of its electronic seal."""

from __future__ import annotations

from archive.identity import system
from ingest.pipeline import IngestService, Options
from ingest.samples.ofd import make_ofd


def test_the_record_page_and_api_show_the_original_format_and_the_seal(app, as_user, token_of, tmp_path):
    runtime = app.extensions["archive"]
    path = tmp_path / "notice.ofd"
    path.write_bytes(make_ofd())
    service = IngestService(runtime.catalog, runtime.store, system("test"), options=Options(workers=1),
                            scanner=lambda _data: (True, "clean"))
    record_id = service.ingest_files([path])["id"]
    body = as_user("archivist").get(f"/records/{record_id}").get_data(as_text=True)
    assert 'id="born-digital"' in body and "OFD 版式文件" in body and "签名值未验证" in body
    assert 'id="four-properties"' in body
    api = app.test_client().get(f"/api/v1/records/{record_id}", headers=token_of("archivist")).get_json()
    assert api["record"]["born_digital"] == {"format": "ofd", "e_signature": "present"}
