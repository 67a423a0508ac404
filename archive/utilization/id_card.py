"""Resident identity card numbers (GB 11643-1999): 17 digits and a check character.

The check character is sum(digit × weight) mod 11 mapped through CHECK; a mistyped digit or two
swapped neighbours change it, so the desk catches most typing errors before anything is found.
"""

from __future__ import annotations

import datetime as dt
import re

from archive.errors import ValidationError
from archive.utilization.messages import msg

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")


def check_character(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def is_valid(number: str) -> bool:
    """18 characters, a real birth date, and the right check character."""
    text = normalise(number)
    if not _SHAPE.fullmatch(text):
        return False
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today() and check_character(text[:17]) == text[17]


def normalise(number: str) -> str:
    return (number or "").strip().upper().replace(" ", "")


def checked(number: str, what: str = "身份证号") -> str:
    """The number in its canonical form, or a ValidationError that says what is wrong."""
    text = normalise(number)
    if not _SHAPE.fullmatch(text):
        raise ValidationError(msg("id_shape", what=what))
    if not is_valid(text):
        raise ValidationError(msg("id_check", what=what))
    return text


def masked(number: str) -> str:
    """For registers and the trail: the region and the last four, never the birth date."""
    text = normalise(number)
    return f"{text[:6]}********{text[-4:]}" if len(text) == 18 else ("*" * len(text))
