"""Labelled synthetic pages for training and benchmarking the classifier and the extractors.

`generate(per_class, seed)` is deterministic for a seed. Each example carries its classification
labels and, in `expected`, every field the page states (title, number, date, marking...), so the
same pages measure extraction. Pages use varied wording, OCR spellings of markings, brackets and
dates, and look-alike character noise in their body text. Archivists' corrections recorded by the
catalog enter training as `(text, labels)` pairs through `as_example`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from opencc import OpenCC

from archive.codes import BUSINESS_STEPS
from ingest.classify.synthetic_forms import RS_MATERIALS, rs_material, sb_form
from ingest.classify.synthetic_other import (
    accounting_record,
    audiovisual_record,
    case_file,
    construction_record,
)
from ingest.classify.synthetic_render import Page, Writer
from ingest.classify.synthetic_ws import official_document
from ingest.extract.fields import doc_type_of

# Bump when the generator changes what it writes: cached default models are keyed by it.
TRAINING_DATA_VERSION = 2
TARGETS = ("category", "personnel_class", "business_step")
PERSONNEL_CLASS_CODES = tuple(RS_MATERIALS)  # "1".."10"
# Labels written in a traditional-character script on some pages; converted with the page.
_SCRIPT_FIELDS = ("title", "issuer", "addressees", "person_name")


@dataclass(frozen=True)
class LabelledExample:
    text: str
    category: str
    personnel_class: str | None = None  # RS only: "1".."10"
    business_step: str | None = None  # SB only: one of archive.codes.BUSINESS_STEPS
    expected: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def label(self, target: str) -> str | None:
        return getattr(self, target)


def as_example(item: LabelledExample | tuple[str, Mapping[str, Any]] | Mapping[str, Any]) -> LabelledExample:
    """A training example from an example, a `(text, labels)` pair or a mapping with `text`."""
    if isinstance(item, LabelledExample):
        return item
    if isinstance(item, tuple):
        text, labels = item
    else:
        text, labels = item["text"], item
    category = str(labels["category"]).upper()
    klass = labels.get("personnel_class")
    step = labels.get("business_step")
    return LabelledExample(
        text=str(text), category=category,
        personnel_class=str(klass).split("-")[0] if klass and category == "RS" else None,
        business_step=str(step) if step and category == "SB" else None,
    )


def trailing_doc_type(title: str | None) -> str | None:
    """The document type a title names by its ending: a 文种, or the kind of form (履历表,
    裁决书); the same convention extraction uses, so the labels follow the contract."""
    found = doc_type_of(title)
    return found.value if found else None


@lru_cache(maxsize=1)
def _s2t() -> OpenCC:
    return OpenCC("s2t")


def _to_traditional(page: Page) -> bool:
    """Rewrite a page in traditional characters; False when a phrase rule would change lengths."""
    converted = [(_s2t().convert(text), noisy) for text, noisy in page.lines]
    if any(len(a) != len(b) for (a, _), (b, _) in zip(converted, page.lines, strict=True)):
        return False
    page.lines = converted
    for name in _SCRIPT_FIELDS:
        if page.labels.get(name):
            page.labels[name] = _s2t().convert(page.labels[name])
    if page.labels.get("doc_no"):  # the prefix as printed; 〔〕 and 号 are the normalised spelling
        page.labels["doc_no"] = _s2t().convert(page.labels["doc_no"][:-1]) + "号"
    return True


def _example(w: Writer, page: Page, noise: float, traditional: float = 0.0) -> LabelledExample:
    script = "simplified"
    if traditional and w.chance(traditional) and _to_traditional(page):
        script = "traditional"
    text = "\n".join(w.noise(line, noise) if noisy else line for line, noisy in page.lines)
    labels = {"doc_type": None, "doc_no": None, "issuer": None, "addressees": None, "disclosure": None,
              "person_name": None, "person_id": None, "secrecy_term_months": None, "personnel_class": None,
              "business_step": None, **page.labels}
    labels["doc_type"] = trailing_doc_type(labels.get("title"))
    labels["script"] = script
    return LabelledExample(text, labels["category"], labels["personnel_class"], labels["business_step"], labels)


def generate(per_class: int = 40, seed: int = 0, noise: float = 0.03) -> list[LabelledExample]:
    """Labelled pages: `per_class` for each personnel class, business step, KJ, JJ and SX;
    three times as many WS (fifteen 文种) and twice as many AJ (seven kinds of case document)."""
    if per_class < 1:
        raise ValueError("per_class must be at least 1")
    w = Writer(random.Random(seed))
    out: list[LabelledExample] = []
    for _ in range(3 * per_class):
        out.append(_example(w, official_document(w, noise), noise, traditional=0.04))
    for step in BUSINESS_STEPS:
        out.extend(_example(w, sb_form(w, step, noise), noise) for _ in range(per_class))
    for klass in PERSONNEL_CLASS_CODES:
        out.extend(_example(w, rs_material(w, klass, noise), noise, traditional=0.03) for _ in range(per_class))
    for _ in range(2 * per_class):
        out.append(_example(w, case_file(w, noise), noise))
    for build in (accounting_record, construction_record, audiovisual_record):
        out.extend(_example(w, build(w, noise), noise) for _ in range(per_class))
    w.rng.shuffle(out)
    return out


def counts(examples: Iterable[LabelledExample]) -> dict[str, dict[str, int]]:
    """How many examples each label of each target has (for reports and tests)."""
    out: dict[str, dict[str, int]] = {t: {} for t in TARGETS}
    for ex in examples:
        for target in TARGETS:
            value = ex.label(target)
            if value is not None:
                out[target][value] = out[target].get(value, 0) + 1
    return out
