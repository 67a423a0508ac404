"""Field accuracy of classification and extraction on a held-out synthetic set.

The model is trained on the shipped synthetic pages (seed 0, as at first use); the held-out pages
come from another seed, so no page is seen in training. Every field of the CLI contract is
compared exactly (a field the page does not state must come back empty), personnel class over
RS pages and business step over SB pages only. Secrecy-marking recall counts pages whose printed
state-secret marking was read at its level or higher; it must be 100%.

    .venv/bin/python bench/field_accuracy.py [--per-class 20] [--seed 20240917] [--noise 0.04]
        [--cases cases.jsonl] [--ocr-samples rapidocr] [--out bench/results/field_accuracy.json]

The shipped sample scans (ingest/samples/scans/labels.json, written by the samples generator, not
by this code) are scored from their ground-truth text. `--cases` is the hook for real OCR output
of other pages: one JSON object per line with `text`, optional `lines` and `flags`, and `expected`
holding the contract fields (secrecy as the level to file at); `--ocr-samples rapidocr` reads the
sample scans through decode, preprocess and OCR first (about 10 s a page on this machine).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from archive.codes import STATE_SECRET_LEVELS, Secrecy  # noqa: E402
from ingest.classify import analyse, evaluate, held_out_split, train  # noqa: E402
from ingest.classify.training_data import TRAINING_DATA_VERSION, generate  # noqa: E402
from ingest.extract import extract_fields  # noqa: E402

FIELDS = ("category", "personnel_class", "business_step", "doc_type", "retention", "secrecy", "secrecy_term_months",
          "title", "doc_no", "issuer", "date", "addressees", "disclosure", "person_name", "person_id")
ONLY_FOR = {"personnel_class": "RS", "business_step": "SB"}


def _got(analysis, name: str, secrecy_source: str) -> Any:
    if name in ("secrecy", "secrecy_term_months") and secrecy_source == "marking":
        return getattr(analysis.extraction, name)  # what the page's marking says, before any raise
    return analysis.to_dict()[name]


def score(cases: Iterable[dict[str, Any]], model, secrecy_source: str = "marking") -> dict[str, Any]:
    """cases: dicts with text, expected, optional lines and flags. `secrecy_source` says whether
    the expected secrecy is the printed marking or the level the record should be filed at."""
    hits = {f: 0 for f in FIELDS}
    seen = {f: 0 for f in FIELDS}
    misses: dict[str, list[dict[str, Any]]] = {f: [] for f in FIELDS}
    marked = detected = exact_level = false_markings = under_proposed = review_on_marking = 0
    started, pages = time.perf_counter(), 0
    for case in cases:
        expected = case["expected"]
        analysis = analyse(case["text"], lines=case.get("lines"), flags=case.get("flags", ()), model=model)
        pages += 1
        for name in FIELDS:
            if name not in expected or (name in ONLY_FOR and expected.get("category") != ONLY_FOR[name]):
                continue
            seen[name] += 1
            got = _got(analysis, name, secrecy_source)
            if got == expected[name]:
                hits[name] += 1
            elif len(misses[name]) < 5:
                misses[name].append({"expected": expected[name], "got": got})
        level = Secrecy.parse(expected.get("secrecy") or "public")
        if secrecy_source == "proposed" and not analysis.extraction.has_state_secret_marking:
            level = min(level, Secrecy.INTERNAL, key=lambda s: s.rank)
        found = Secrecy.parse(analysis.extraction.secrecy)
        proposed = Secrecy.parse(analysis.classification.secrecy)
        if level in STATE_SECRET_LEVELS:
            marked += 1
            detected += found.rank >= level.rank
            exact_level += found == level
            under_proposed += proposed.rank < level.rank
            review_on_marking += "secrecy_marking_found" in analysis.review_reasons
        elif found in STATE_SECRET_LEVELS:
            false_markings += 1
    elapsed = time.perf_counter() - started
    return {
        "pages": pages,
        "ms_per_page": round(1000 * elapsed / max(pages, 1), 2),
        "field_accuracy": {f: round(hits[f] / seen[f], 4) for f in FIELDS if seen[f]},
        "field_support": {f: seen[f] for f in FIELDS if seen[f]},
        "secrecy_marking": {
            "pages_marked": marked,
            "recall": round(detected / marked, 4) if marked else None,
            "exact_level": round(exact_level / marked, 4) if marked else None,
            "false_markings_on_unmarked_pages": false_markings,
            "proposed_below_marking": under_proposed,
            "flagged_for_review": review_on_marking,
        },
        "examples_of_misses": {f: m for f, m in misses.items() if m},
    }


# Printed markings as OCR may return them: every level (also in traditional characters), spaces
# inside the level, star look-alikes, spaces around the star, term spellings, and where the
# marking sits on the page.
_LEVELS = {"秘密": "secret", "机密": "confidential", "绝密": "top_secret", "祕密": "secret", "機密": "confidential",
           "絕密": "top_secret"}
_STARS = ["★", "☆", "✩", "*", "＊", "x", "X", "大", "×", ""]
_TERMS = {"": None, "5年": 60, "10 年": 120, "6个月": 6, "长期": None, "五年": 60}
_PLACES = ["alone", "after_copy_number", "with_copy_number", "with_urgency"]
# Pages without a state-secret marking whose text says 秘密/机密 in other ways.
_TRAPS = [
    "关于加强机密文件管理工作的通知", "要严格保守国家秘密和工作秘密。", "秘密文件、资料要入柜管理，文件柜要随时上锁。",
    "不得泄露服务对象的商业秘密和个人隐私。", "拟写机密文件的草稿必须及时销毁。", "属于国家秘密的，按照规定标注“秘密★”等密级标志。",
    "涉及绝密事项的会议，不得使用无线话筒。", "秘密事项不得在私人通信中谈论",
]


def _marking_page(marking: str, place: str, trap: str = "") -> str:
    top = {"alone": [marking], "after_copy_number": ["000126", marking], "with_copy_number": [f"000126  {marking}"],
           "with_urgency": [f"{marking}    特急"]}[place]
    return "\n".join(top + ["长春市人力资源和社会保障局文件", "长人社发〔2019〕12号", "关于做好保密工作的通知",
                             "各科室：", f"    {trap or '请认真贯彻落实。'}", "长春市人力资源和社会保障局", "2019年3月8日"])


def marking_variants() -> tuple[list[tuple[str, str, int | None]], list[str]]:
    """([(page, level code, term months)], [trap pages])"""
    marked = []
    for zh, level in _LEVELS.items():
        max_months = Secrecy(level).max_term_years * 12
        for inner in ("", " ", "\u3000"):
            for star in _STARS:
                for gap in ("", "\u3000"):
                    for term, months in _TERMS.items():
                        if not star and not term and gap:
                            continue
                        place = _PLACES[len(marked) % len(_PLACES)]
                        text = f"{zh[0]}{inner}{zh[1]}{gap}{star}{gap}{term}"
                        expected = months if term else max_months
                        marked.append((_marking_page(text, place), level, expected))
    traps = [_marking_page("", "alone", trap).lstrip("\n") for trap in _TRAPS]
    return marked, traps


def score_markings() -> dict[str, Any]:
    marked, traps = marking_variants()
    detected = exact = terms = 0
    missed: list[str] = []
    for page, level, months in marked:
        found = extract_fields(page)
        got = Secrecy.parse(found.secrecy)
        detected += got.rank >= Secrecy(level).rank
        exact += got.value == level
        terms += found.secrecy_term_months == months
        if got.rank < Secrecy(level).rank and len(missed) < 5:
            missed.append(page.splitlines()[0])
    false = [t.splitlines()[5] for t in traps if Secrecy.parse(extract_fields(t).secrecy) in STATE_SECRET_LEVELS]
    return {"pages": len(marked), "recall": round(detected / len(marked), 4), "exact_level": round(exact / len(marked), 4),
            "term_correct": round(terms / len(marked), 4), "missed": missed, "trap_pages": len(traps),
            "false_markings": false}


def synthetic_cases(per_class: int, seed: int, noise: float) -> list[dict[str, Any]]:
    return [{"text": ex.text, "expected": dict(ex.expected)} for ex in generate(per_class, seed=seed, noise=noise)]


def unseen_templates(examples: list, seed: int = 0) -> dict[str, Any]:
    """Generalisation: per finest label, pages of one of its page templates are held out of
    training entirely (for labels that have two or more). Model alone and rules + model."""
    import random

    rng = random.Random(seed)
    by_label: dict[str, set[str]] = {}
    for ex in examples:
        label = f"{ex.category}/{ex.personnel_class or ex.business_step or ''}"
        by_label.setdefault(label, set()).add(ex.expected["template"])
    held = {rng.choice(sorted(t)) for t in by_label.values() if len(t) >= 2}
    train_part = [ex for ex in examples if ex.expected["template"] not in held]
    test_part = [ex for ex in examples if ex.expected["template"] in held]
    model = train(train_part)
    alone = evaluate(model, test_part)
    combined = {"category": [0, 0], "personnel_class": [0, 0], "business_step": [0, 0]}
    for ex in test_part:
        got = analyse(ex.text, model=model).classification
        for target, (hits, seen) in list(combined.items()):
            truth = ex.label(target)
            if truth is not None:
                combined[target] = [hits + (getattr(got, target) == truth), seen + 1]
    return {"templates_held_out": len(held), "test_pages": len(test_part),
            "model_alone": alone["accuracy"], "model_alone_confusions": alone["confusions"],
            "rules_and_model": {t: round(h / n, 4) for t, (h, n) in combined.items() if n}}


_DISCLOSURE_ZH = {"主动公开": "proactive", "依申请公开": "on_request", "不予公开": "not_disclosed"}
SAMPLE_LABELS = ROOT / "ingest" / "samples" / "scans" / "labels.json"


def sample_cases(path: Path = SAMPLE_LABELS) -> list[dict[str, Any]]:
    """The shipped sample scans with their expected labels, read from their ground-truth text
    (the OCR run feeds its own text through --cases). Red-masthead evidence becomes a flag."""
    labels = json.loads(path.read_text(encoding="utf-8"))
    cases = []
    for name, label in sorted(labels.items()):
        expected = {k: v for k, v in label.items() if k not in ("pages", "evidence", "text", "page_texts")}
        expected["disclosure"] = _DISCLOSURE_ZH.get(expected.get("disclosure"), expected.get("disclosure"))
        cases.append({"name": name, "text": label["text"], "flags": label.get("evidence", []), "expected": expected})
    return cases


def ocr_sample_cases(engine_name: str, path: Path = SAMPLE_LABELS) -> list[dict[str, Any]]:
    """The sample scans read the way the pipeline reads them: decode, preprocess, OCR."""
    from ingest.ocr import get_engine
    from ingest.preprocess import prepare_page
    from ingest.sources import read_pages

    engine = get_engine(engine_name)
    cases = []
    for case in sample_cases(path):
        texts, lines, flags = [], [], set()
        for page in read_pages(path.parent / case["name"]):
            if page.born_digital or page.image is None:
                texts.append(page.text or "")
                continue
            prepared = prepare_page(page.image, page.dpi)
            flags.update(prepared.meta.get("flags", []))
            result = engine.recognize(prepared.image)
            texts.append(result.text)
            lines += [{"text": line.text, "confidence": line.confidence} for line in result.lines]
        cases.append({**case, "text": "\n".join(texts), "lines": lines or None, "flags": sorted(flags)})
    return cases


def read_cases(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-class", type=int, default=20, help="held-out pages per class (WS x3, AJ x2)")
    parser.add_argument("--seed", type=int, default=20240917, help="seed of the held-out pages (training uses 0)")
    parser.add_argument("--noise", type=float, default=0.04, help="OCR look-alike noise rate in body text")
    parser.add_argument("--cases", type=Path, help="JSONL of OCR'd pages with expected fields (sample scans)")
    parser.add_argument("--ocr-samples", metavar="ENGINE", help="also OCR the sample scans with ENGINE (rapidocr, tesseract)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "field_accuracy.json")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    training = generate(40, seed=0)
    model = train(training)
    train_seconds = round(time.perf_counter() - started, 2)

    train_part, test_part = held_out_split(training, test_size=0.25, seed=0)
    split_report = evaluate(train(train_part), test_part)

    result: dict[str, Any] = {
        "benchmark": "field_accuracy",
        "training": {"pages": len(training), "seed": 0, "data_version": TRAINING_DATA_VERSION,
                     "seconds": train_seconds},
        "model_only_held_out_split": {"test_pages": len(test_part), "accuracy": split_report["accuracy"],
                                      "confusions": split_report["confusions"]},
        "held_out": {"seed": args.seed, "noise": args.noise, "per_class": args.per_class,
                     **score(synthetic_cases(args.per_class, args.seed, args.noise), model)},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    result["marking_variants"] = score_markings()
    result["unseen_templates"] = unseen_templates(training)
    if SAMPLE_LABELS.exists():
        result["samples_ground_truth_text"] = {"source": str(SAMPLE_LABELS.relative_to(ROOT)),
                                               **score(sample_cases(), model, secrecy_source="proposed")}
    if args.cases:
        result["cases"] = {"source": str(args.cases), **score(read_cases(args.cases), model, secrecy_source="proposed")}
    if args.ocr_samples and SAMPLE_LABELS.exists():
        result["samples_ocr"] = {"engine": args.ocr_samples,
                                 **score(ocr_sample_cases(args.ocr_samples), model, secrecy_source="proposed")}

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print(result)
    recalls = (result["held_out"]["secrecy_marking"]["recall"], result["marking_variants"]["recall"])
    return 0 if all(r in (None, 1.0) for r in recalls) else 1


def _print(result: dict[str, Any]) -> None:
    for section in ("held_out", "samples_ground_truth_text", "samples_ocr", "cases"):
        if section not in result:
            continue
        part = result[section]
        print(f"== {section}: {part['pages']} pages, {part['ms_per_page']} ms/page")
        for name, acc in part["field_accuracy"].items():
            print(f"  {name:<20} {acc:7.2%}  (n={part['field_support'][name]})")
        marking = part["secrecy_marking"]
        print(f"  secrecy-marking recall {marking['recall']} on {marking['pages_marked']} marked pages; "
              f"exact level {marking['exact_level']}; false markings {marking['false_markings_on_unmarked_pages']}")
    variants = result["marking_variants"]
    print(f"== marking variants: recall {variants['recall']} on {variants['pages']} pages, exact level "
          f"{variants['exact_level']}, term {variants['term_correct']}; false markings on {variants['trap_pages']} "
          f"trap pages: {len(variants['false_markings'])}")
    unseen = result["unseen_templates"]
    print(f"== unseen page templates ({unseen['templates_held_out']} held out, {unseen['test_pages']} pages): "
          f"model alone {unseen['model_alone']}, rules+model {unseen['rules_and_model']}")
    split = result["model_only_held_out_split"]
    print(f"== model alone, 25% held-out split of the training pages: {split['accuracy']}")
    print(f"== training: {result['training']['pages']} pages in {result['training']['seconds']} s")


if __name__ == "__main__":
    raise SystemExit(main())
