"""Personal identity numbers (公民身份号码, GB 11643) and the person's name on forms.

18 characters, the last a digit or X, the last one a check character over the first 17. The
social-security number equals the identity number. An invalid number is kept (the archivist
compares it with the paper) but flagged; form cells spread digits with spaces or rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ingest.extract.result import Found
from ingest.extract.text import HAN, Line

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_ID_LABEL = (r"(?:公民身份号码|身份证号码|身份证号|身份证件号码|居民身份证|社会保障号码|社会保障号|社保号码|"
             r"社保号|证件号码|身份号码)")
_SEP = r"[\s|｜丨/]?"
_ID_BODY = rf"(?P<id>\d(?:{_SEP}\d){{16}}{_SEP}[\dXx×])"
_LABELLED_ID = re.compile(rf"{_ID_LABEL}\s*[:：]?\s*{_ID_BODY}(?![\dXx])")
_BARE_ID = re.compile(r"(?<![\dA-Za-z])(?P<id>\d{17}[\dXx×])(?![\dA-Za-z])")


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid_id(number: str) -> bool:
    """GB 11643 check character and a real birth date inside the number."""
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return check_char(number[:17]) == number[17]


def _clean(raw: str) -> str:
    return re.sub(r"[\s|｜丨/]", "", raw).replace("×", "X").replace("x", "X")


def find_person_id(lines: Sequence[Line]) -> Found | None:
    """The first labelled identity number, else the first bare one that passes the check.

    value is (number, valid)."""
    for line in lines:
        if m := _LABELLED_ID.search(line.norm):
            number = _clean(m.group("id"))
            valid = is_valid_id(number)
            return Found((number, valid), 0.95 if valid else 0.3, m.group(0), line.index)
    for line in lines:
        for m in _BARE_ID.finditer(line.norm):
            number = _clean(m.group("id"))
            if is_valid_id(number):  # an unlabelled 18-digit run must prove itself
                return Found((number, True), 0.8, m.group(0), line.index)
    return None


# Words that follow the name cell on a form (姓名 张三 性别 男): the name stops before them.
_NEXT_LABEL = re.compile(
    r"(性\s*别|民族|出生|籍贯|身份证|年龄|工作单位|单位|职务|部门|曾用名|照片|联系电话|电话|参保|证件|"
    r"社会保障|公民身份|工号|编号|政治面貌|文化程度|学历|户籍|住址|现任职务)"
)
_NAME_VALUE = rf"(?P<name>[{HAN}·•](?:\s?[{HAN}·•]){{1,7}})"
_NAME_LABELS = (
    (re.compile(rf"(?<!签)姓\s*名\s*[:：|｜]?\s*{_NAME_VALUE}"), 0.9),
    # Case and assessment files name the person after a role, always with a colon.
    (re.compile(rf"(?<!被)(?:申请人|当事人|被考核人|参保人|信访人)\s*[:：]\s*{_NAME_VALUE}"), 0.65),
)
_NOT_A_NAME = re.compile(r"^(?:签字|签名|盖章|姓名|性别|男|女|未填|不详|无)")


def _name(m: re.Match[str], line: Line) -> str | None:
    raw_name = m.group("name")
    name = re.sub(r"\s", "", _NEXT_LABEL.split(raw_name)[0]).replace("•", "·")
    if "·" not in name and len(name) > 4:
        name = re.split(r"\s", raw_name.strip())[0]  # a longer run: the cell ends at a space
    if not (2 <= len(name) <= 4 or ("·" in name and len(name) <= 12)) or _NOT_A_NAME.match(name):
        return None
    # Cut the same characters from the line as read, keeping traditional characters.
    raw = re.sub(r"\s", "", line.raw[m.start("name"): m.end("name")])
    return raw[: len(name)] if len(raw) >= len(name) else name


def find_person_name(lines: Sequence[Line]) -> Found | None:
    """The name after a 姓名 label (or 申请人/参保人 on case and benefit files); value is the name."""
    for pattern, confidence in _NAME_LABELS:
        for line in lines:
            for m in pattern.finditer(line.norm):
                if name := _name(m, line):
                    evidence = line.norm[m.start(): m.start("name")] + name
                    return Found(name, confidence, evidence.strip(), line.index)
    return None
