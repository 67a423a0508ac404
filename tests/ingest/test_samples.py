"""The shipped synthetic samples agree with their labels, and the generator is deterministic."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ingest.samples import SCANS_DIR, load_labels
from ingest.samples.documents import id_check_digit
from ingest.samples.generate import generate
from ingest.sources import read_pages

LABELS = load_labels()
SECRECY = {"public", "internal", "secret", "confidential", "top_secret"}
CATEGORIES = {"WS", "SB", "RS", "AJ", "KJ", "JJ", "SX"}
FIELDS = {"category", "secrecy", "secrecy_term_months", "doc_no", "issuer", "title", "date", "doc_type",
          "person_name", "person_id", "personnel_class", "business_step", "retention", "disclosure", "pages", "text"}


def test_labels_cover_exactly_the_shipped_files():
    files = {p.name for p in SCANS_DIR.iterdir() if p.name != "labels.json"}
    assert files == set(LABELS) and len(files) >= 12


@pytest.mark.parametrize("name", sorted(LABELS))
def test_sample_matches_its_label(name):
    label = LABELS[name]
    assert FIELDS <= set(label)
    path = SCANS_DIR / name
    assert path.stat().st_size < 410 * 1024  # shipped in the repository: kept small
    pages = list(read_pages(path))
    assert len(pages) == label["pages"] == len(label["page_texts"])
    assert all(p.dpi == (300.0, 300.0) for p in pages)
    assert label["category"] in CATEGORIES and label["secrecy"] in SECRECY
    assert label["retention"] in {"Y", "D100", "D50", "D30", "D10"}
    dt.date.fromisoformat(label["date"])
    assert label["title"] in label["text"].replace("\n", "")
    if label["doc_no"]:
        assert label["doc_no"] in label["text"]
    if label["person_id"]:
        pid = label["person_id"]
        assert re.fullmatch(r"\d{17}[\dX]", pid) and id_check_digit(pid[:17]) == pid[17]
        assert pid in label["text"]
    if label["category"] == "RS":
        assert label["personnel_class"] in {str(n) for n in range(1, 11)} and label["person_name"]
    if label["category"] == "SB":
        assert label["business_step"] and label["business_step"] in label["text"]


def test_secrecy_markings_in_text():
    marks = {"secret": "秘密★5年", "confidential": "机密★10年", "top_secret": "绝密★长期"}
    for label in LABELS.values():
        if label["secrecy"] in marks:
            assert label["text"].split("\n")[1] == marks[label["secrecy"]]  # under the copy number
    levels = {label["secrecy"] for label in LABELS.values()}
    assert {"public", "secret", "confidential", "top_secret"} <= levels
    assert {label["secrecy_term_months"] for label in LABELS.values() if label["secrecy"] == "secret"} == {60}


def test_set_covers_the_required_kinds():
    names = set(LABELS)
    assert any(n.endswith(".tif") and LABELS[n]["pages"] > 1 for n in names)
    assert any(n.endswith(".pdf") and LABELS[n]["pages"] == 2 for n in names)
    assert any(LABELS[n].get("rotation") == 90 for n in names)
    assert any(LABELS[n].get("script") == "traditional" for n in names)
    assert {LABELS[n]["category"] for n in names} >= {"WS", "RS", "SB", "AJ"}


def test_check_digit():
    assert id_check_digit("11010519491231002") == "X"  # the standard's worked example


def test_generator_is_deterministic(tmp_path):
    first = generate(tmp_path / "a", only={"rs_assessment_2022.png"})
    second = generate(tmp_path / "b", only={"rs_assessment_2022.png"})
    assert first == second
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first["rs_assessment_2022.png"] == LABELS["rs_assessment_2022.png"]
