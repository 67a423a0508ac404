"""The synthetic labelled pages: deterministic, enough of every class, labels that agree with the
page text."""

from __future__ import annotations

import re

from archive.codes import BUSINESS_STEPS, DOC_TYPES, PERSONNEL_CLASSES, Retention, Secrecy
from ingest.classify.training_data import LabelledExample, as_example, counts, generate
from ingest.extract import is_valid_id

EXAMPLES = generate(40, seed=0)


def test_deterministic_for_a_seed():
    again = generate(40, seed=0)
    assert [e.text for e in again] == [e.text for e in EXAMPLES]
    assert [e.text for e in generate(40, seed=1)] != [e.text for e in EXAMPLES]


def test_at_least_forty_pages_per_class_of_every_target():
    seen = counts(EXAMPLES)
    assert set(seen["category"]) == {"WS", "SB", "RS", "AJ", "KJ", "JJ", "SX"}
    assert set(seen["personnel_class"]) == {k for k in PERSONNEL_CLASSES if "-" not in k}
    assert set(seen["business_step"]) == set(BUSINESS_STEPS)
    for target in seen.values():
        assert min(target.values()) >= 40


def test_labels_are_valid_codes():
    for ex in EXAMPLES:
        labels = ex.expected
        Retention.parse(labels["retention"])
        Secrecy.parse(labels["secrecy"])
        assert (ex.personnel_class is not None) == (ex.category == "RS")
        assert (ex.business_step is not None) == (ex.category == "SB")
        if ex.category == "WS" and labels["doc_type"]:
            assert labels["doc_type"] in DOC_TYPES
        if labels["date"]:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", labels["date"])


def test_wording_varies():
    ws = [e for e in EXAMPLES if e.category == "WS"]
    assert len({e.expected["title"] for e in ws}) > 0.9 * len(ws)
    assert len({e.expected["doc_type"] for e in ws}) >= 10
    assert any(e.expected["script"] == "traditional" for e in EXAMPLES)


def test_pages_carry_ocr_spellings_and_noise():
    text = "\n".join(e.text for e in EXAMPLES)
    for spelling in ("*", "☆", "［", "【", "（20", "〇", "\u3000"):
        assert spelling in text
    noisy = generate(5, seed=3, noise=0.2)
    clean = generate(5, seed=3, noise=0.0)
    assert sum(a.text != b.text for a, b in zip(noisy, clean, strict=True)) > len(clean) / 2


def test_marked_pages_exist_and_ids_mostly_valid():
    marked = [e for e in EXAMPLES if e.expected["secrecy"] in ("secret", "confidential", "top_secret")]
    assert len(marked) >= 10
    ids = [e.expected["person_id"] for e in EXAMPLES if e.expected["person_id"]]
    valid = sum(is_valid_id(i) for i in ids)
    assert 0.85 * len(ids) < valid < len(ids)  # a few invalid ones on purpose


def test_corrections_enter_as_pairs_or_mappings():
    ex = as_example(("某某表 姓名 张三", {"category": "rs", "personnel_class": "9-2"}))
    assert ex == LabelledExample("某某表 姓名 张三", "RS", personnel_class="9")
    ex = as_example({"text": "缴费申报表", "category": "SB", "business_step": "申报征缴", "personnel_class": "3"})
    assert ex.business_step == "申报征缴" and ex.personnel_class is None
