"""Parsing what the lending pages and the API receive (form fields, JSON bodies) into the
arguments of the lending services (archive.lending.desk, .stockroom, .receiving).

Only parsing lives here: the services resolve the person, check the policy, work and audit.
"""

from __future__ import annotations

from archive.errors import ValidationError

MAX_ITEMS = 50
MAX_ID = 2**31 - 1


def _ids(value: object, name: str) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str):  # a form field: "12, 13"
        value = [x for x in value.replace("，", ",").split(",") if x.strip()]
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise _invalid(f"{name} must be a list of at most {MAX_ITEMS} ids")
    out = []
    for x in value:
        if isinstance(x, bool) or not (isinstance(x, int) or (isinstance(x, str) and x.strip().isdigit())):
            raise _invalid(f"{name} must hold positive whole numbers")
        number = int(x)
        if not 0 < number <= MAX_ID:
            raise _invalid(f"{name} must hold positive whole numbers")
        out.append(number)
    return out


def _int(value: object, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise _invalid(f"{name} must be a whole number")
    number = int(value)
    if not low <= number <= high:
        raise _invalid(f"{name} must be between {low} and {high}")
    return number


def _text(value: object, name: str, limit: int = 500) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _invalid(f"{name} must be a string")
    return value.strip()[:limit]


def _names(value: object, name: str, limit: int = 20) -> list[str]:
    """A list of names: a JSON list of strings, or a form field "a, b"."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    if not isinstance(value, list) or len(value) > limit or not all(isinstance(v, str) and len(v) <= 100
                                                                  for v in value):
        raise _invalid(f"{name} must be a list of at most {limit} names")
    return [v.strip() for v in value if v.strip()]


def _lines(value: object, name: str, limit: int = 2000) -> list[str]:
    """Lines of a text area (or a JSON list of strings)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [v.strip() for v in value.splitlines() if v.strip()]
    if not isinstance(value, list) or len(value) > limit or not all(isinstance(v, str) for v in value):
        raise _invalid(f"{name} must be at most {limit} lines")
    return [v.strip() for v in value if v.strip()]


def _flag(value: object) -> bool:
    """A check box ("on", "1", "true") or a JSON boolean."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in ("1", "on", "true", "yes")


def _invalid(message: str) -> ValidationError:
    return ValidationError(message)


# -- what the forms and bodies carry -------------------------------------------------------------
def loan_request(data: dict, default_days: int = 7) -> dict:
    """The keyword arguments of desk.submit from a form or a JSON body (`default_days`: the
    configured loan period, ARCHIVE_LOAN_DAYS)."""
    outside = data.get("outside")
    if outside is None and any(data.get(f"outside_{k}") for k in ("name", "unit", "letter", "id_number")):
        outside = {k: _text(data.get(f"outside_{k}"), f"outside_{k}", 100) for k in ("name", "unit", "letter",
                                                                                     "id_number")}
    if outside is not None and not isinstance(outside, dict):
        raise _invalid("outside must be an object with name, unit, letter and id_number")
    return {
        "purpose": _text(data.get("purpose"), "purpose", 1000), "form": _text(data.get("form"), "form", 20),
        "record_ids": _ids(data.get("record_ids"), "record_ids"),
        "volume_ids": _ids(data.get("volume_ids"), "volume_ids"),
        "days": _int(data.get("days"), "days", default_days, 1, 365), "readers": _names(data.get("readers"), "readers") or None,
        "extract": _flag(data.get("extract")), "outside": outside or None,
    }


def consultation(data: dict, *, plan: bool = False) -> dict:
    """The keyword arguments of desk.consult (or, `plan`, of desk.consult_plan) from a form or a JSON body;
    the period defaults to the use matrix's (left out here)."""
    out = {
        "form": _text(data.get("form"), "form", 20) or "electronic",
        "record_ids": _ids(data.get("record_ids"), "record_ids"),
        "volume_ids": _ids(data.get("volume_ids"), "volume_ids"),
        "readers": _names(data.get("readers"), "readers") or None, "extract": _flag(data.get("extract")),
    }
    if not plan:
        out["purpose"] = _text(data.get("purpose"), "purpose", 1000)
        out["days"] = _int(data.get("days"), "days", 0, 1, 90) or None
    return out


def issue(data: dict) -> dict:
    """The keyword arguments of desk.issue."""
    return {"carriers": _names(data.get("carriers"), "carriers"),
            "accompanied_by": _text(data.get("accompanied_by"), "accompanied_by", 50),
            "hours": _int(data.get("hours"), "hours", 0, 0, 24 * 90) or None}


def returned(data: dict) -> dict:
    pages = _int(data.get("pages_returned"), "pages_returned", -1, 0, 100_000)
    if pages < 0:
        raise _invalid("pages_returned is required")
    return {"pages_returned": pages, "damage": _text(data.get("damage"), "damage")}


def extract(data: dict) -> dict:
    """The arguments of desk.register_extract (record id first)."""
    return {"record_id": _int(data.get("record_id"), "record_id", 0, 1, MAX_ID),
            "reader": _text(data.get("reader"), "reader", 50),
            "description": _text(data.get("description"), "description", 1000),
            "pages": _text(data.get("pages"), "pages", 50),
            "copies": _int(data.get("copies"), "copies", 1, 1, 100),
            "kind": _text(data.get("kind"), "kind", 10) or "extract"}


def transfer_lines(value: object) -> list[dict]:
    """Register lines: a JSON list of objects, or a text area of "档号|题名|页数|业务流水号" lines."""
    if isinstance(value, list):
        return value
    out = []
    for line in _lines(value, "lines"):
        code, title, pages, txn = [*[p.strip() for p in line.split("|")], "", "", ""][:4]
        out.append({"archival_code": code, "title": title, "transaction_no": txn,
                    "pages": _int(pages, f"pages of {code}", 0, 0, 100_000)})
    return out


def arrivals(value: object) -> dict[str, int]:
    """What arrived: a JSON object {code: pages}, or a text area of "档号=页数" lines."""
    if isinstance(value, dict):
        return value
    out: dict[str, int] = {}
    for line in _lines(value, "arrived"):
        code, _sep, pages = line.replace(",", "=").replace("\t", "=").rpartition("=")
        if not code.strip():
            raise _invalid(f"{line!r}: write 档号=页数 (CODE=PAGES)")
        out[code.strip()] = _int(pages, f"pages of {code.strip()}", 0, 0, 100_000)
    return out
