"""Write small OFD documents (GB/T 33190-2016) for tests and samples: an official document with a
red masthead and rule, one TextObject per line, and optionally an electronic seal whose
Signature.xml carries SM3 digests of the signed files (the signature value is placeholder bytes:
nothing here signs with SM2).

    python -m ingest.samples.ofd OUT.ofd [--unsigned]
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
A4 = (210.0, 297.0)
OFFICIAL = [
    ("某市人力资源和社会保障局文件", 9.0, "255 0 0"),
    ("某人社发〔2024〕12号", 4.2, None),
    ("关于做好2024年度社会保险档案数字化工作的通知", 5.6, None),
    ("各县区人力资源和社会保障局：", 4.2, None),
    ("为贯彻落实档案法，现就社会保险业务档案电子化归档有关事项通知如下。", 4.2, None),
    ("一、业务经办形成的电子文件应当按照规定及时归档。", 4.2, None),
    ("二、归档电子文件应当进行真实性、完整性、可用性和安全性检测。", 4.2, None),
    ("某市人力资源和社会保障局", 4.2, None),
    ("2024年3月15日", 4.2, None),
]


def official_lines() -> list[str]:
    return [text for text, _, _ in OFFICIAL]


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _ofd_xml(title: str, signed: bool, custom: dict[str, str]) -> bytes:
    datas = "".join(f'<ofd:CustomData Name="{escape(k)}">{escape(v)}</ofd:CustomData>' for k, v in custom.items())
    signs = "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" if signed else ""
    return _xml(
        f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        f"<ofd:DocID>6d2c7f7e0b0a4c6f9a3b1e2d4c5f6a7b</ofd:DocID><ofd:Title>{escape(title)}</ofd:Title>"
        f"<ofd:Author>archive tests</ofd:Author><ofd:CreationDate>2024-03-15</ofd:CreationDate>"
        f"{f'<ofd:CustomDatas>{datas}</ofd:CustomDatas>' if datas else ''}</ofd:DocInfo>"
        f"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>{signs}</ofd:DocBody></ofd:OFD>")


def _document_xml(pages: int) -> bytes:
    entries = "".join(f'<ofd:Page ID="{100 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(pages))
    return _xml(
        f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID>'
        f"<ofd:PageArea><ofd:PhysicalBox>0 0 {A4[0]} {A4[1]}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>{entries}</ofd:Pages>"
        f"</ofd:Document>")


def _public_res() -> bytes:
    return _xml(f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
                f'<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')


def _content_xml(lines: list[tuple[str, float, str | None]], rule_after: int | None) -> bytes:
    objects, y, next_id = [], 30.0, 10
    for n, (text, size, color) in enumerate(lines):
        width = min(170.0, size * len(text) + 2)
        x = 20.0 if n > 2 else (A4[0] - width) / 2  # masthead, number and title centred
        fill = f'<ofd:FillColor Value="{color}"/>' if color else ""
        objects.append(
            f'<ofd:TextObject ID="{next_id}" Boundary="{x:.2f} {y:.2f} {width:.2f} {size * 1.4:.2f}" Font="2" '
            f'Size="{size}">{fill}<ofd:TextCode X="0" Y="{size:.2f}" DeltaX="g {max(len(text) - 1, 0)} {size}">'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>")
        next_id += 1
        y += size * 2.2
        if rule_after is not None and n == rule_after:
            objects.append(f'<ofd:PathObject ID="{next_id}" Boundary="20 {y:.2f} 170 1" LineWidth="0.8">'
                           f'<ofd:StrokeColor Value="255 0 0"/><ofd:AbbreviatedData>M 0 0.5 L 170 0.5'
                           f"</ofd:AbbreviatedData></ofd:PathObject>")
            next_id += 1
            y += 6
    return _xml(f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="3">{"".join(objects)}</ofd:Layer>'
                f"</ofd:Content></ofd:Page>")


def _signature(files: dict[str, bytes], signed_paths: list[str]) -> dict[str, bytes]:
    refs = "".join(
        f'<ofd:Reference FileRef="/{p}"><ofd:CheckValue>'
        f'{base64.b64encode(hashlib.new("sm3", files[p]).digest()).decode()}</ofd:CheckValue></ofd:Reference>'
        for p in signed_paths)
    signature = _xml(
        f'<ofd:Signature xmlns:ofd="{NS}"><ofd:SignedInfo>'
        f'<ofd:Provider ProviderName="archive-tests" Version="1.0" Company="test"/>'
        f"<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"
        f"<ofd:SignatureDateTime>20240315100000Z</ofd:SignatureDateTime>"
        f'<ofd:References CheckMethod="1.2.156.10197.1.401">{refs}</ofd:References>'
        f'<ofd:StampAnnot ID="1" PageRef="100" Boundary="120 200 40 40"/>'
        f"<ofd:Seal><ofd:BaseLoc>Seal.esl</ofd:BaseLoc></ofd:Seal></ofd:SignedInfo>"
        f"<ofd:SignedValue>SignedValue.dat</ofd:SignedValue></ofd:Signature>")
    listing = _xml(f'<ofd:Signatures xmlns:ofd="{NS}"><ofd:MaxSignId>1</ofd:MaxSignId>'
                   f'<ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>')
    return {"Doc_0/Signs/Signatures.xml": listing, "Doc_0/Signs/Sign_0/Signature.xml": signature,
            "Doc_0/Signs/Sign_0/SignedValue.dat": hashlib.sha512(signature).digest(),  # placeholder, not SM2
            "Doc_0/Signs/Sign_0/Seal.esl": b"0\x82placeholder-seal"}


def make_ofd(lines: list[tuple[str, float, str | None]] | None = None, *, title: str = "", signed: bool = True,
             pages: int = 1, custom: dict[str, str] | None = None, rule_after: int | None = 1) -> bytes:
    """The bytes of an OFD whose every page shows `lines` (text, size in mm, fill colour or None)."""
    lines = lines or OFFICIAL
    files: dict[str, bytes] = {
        "OFD.xml": _ofd_xml(title or lines[min(2, len(lines) - 1)][0], signed, custom or {}),
        "Doc_0/Document.xml": _document_xml(pages),
        "Doc_0/PublicRes.xml": _public_res(),
    }
    for n in range(pages):
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = _content_xml(lines, rule_after)
    if signed:
        signed_paths = ["Doc_0/Document.xml", *(f"Doc_0/Pages/Page_{n}/Content.xml" for n in range(pages))]
        files.update(_signature(files, signed_paths))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pkg:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 15, 10, 0, 0))  # same bytes every time
            info.compress_type = zipfile.ZIP_DEFLATED
            pkg.writestr(info, data)
    return out.getvalue()


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    with open(argv[0], "wb") as fh:
        fh.write(make_ofd(signed="--unsigned" not in argv))


if __name__ == "__main__":
    main(sys.argv[1:])
