"""The trainable classifier: character n-grams (TF-IDF) and a linear SVM with calibrated
probabilities (sigmoid, 3-fold), one model per target: category (WS SB RS AJ KJ JJ SX),
personnel class (1..10, trained on RS pages only) and business step (trained on SB pages only).
The calibrated probabilities are what the confidence per field is made of. (Logistic regression
scored the same but trained ten times slower on these n-gram counts.)

Trained at first use from the shipped synthetic pages (a couple of seconds) and cached under
ARCHIVE_HOME/models, keyed by model format, training-data version and scikit-learn version;
`archive classifier train` adds the archivists' corrections and saves the active model.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from archive.errors import ValidationError
from ingest.classify.training_data import (
    TARGETS,
    TRAINING_DATA_VERSION,
    LabelledExample,
    as_example,
    generate,
)
from ingest.extract.text import simplify

MODEL_FORMAT = 1
ACTIVE_MODEL_NAME = "classifier.pkl"  # written by `archive classifier train`, wins over the cache
_HEAD_CHARS, _TAIL_CHARS = 1500, 500  # the top and the signature say most about a page


@lru_cache(maxsize=4096)  # the three targets' vectorisers see the same pages during training
def prepare_text(text: str) -> str:
    """What the vectoriser sees: simplified characters, digits folded (years and amounts are not
    features), whitespace collapsed, long records cut to their head and tail."""
    text = re.sub(r"\d", "0", simplify(text))
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > _HEAD_CHARS + _TAIL_CHARS:
        text = text[:_HEAD_CHARS] + " " + text[-_TAIL_CHARS:]
    return text


def _pipeline(labels: Sequence[str], seed: int) -> Pipeline:
    smallest = min(labels.count(label) for label in set(labels))
    if smallest >= 2:
        classifier = CalibratedClassifierCV(
            LinearSVC(C=0.5, class_weight="balanced", random_state=seed), method="sigmoid", cv=min(3, smallest)
        )
    else:  # a label seen once (a new correction) cannot be cross-validated for calibration
        classifier = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=seed)
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2, max_features=60000,
                        preprocessor=prepare_text),
        classifier,
    )


@dataclass
class TrainedModel:
    pipelines: dict[str, Pipeline]
    trained_on: dict[str, int]  # examples per target
    data_version: int = TRAINING_DATA_VERSION
    sklearn_version: str = sklearn.__version__
    format: int = MODEL_FORMAT
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def labels(self, target: str) -> list[str]:
        pipe = self.pipelines.get(target)
        return [str(c) for c in pipe.classes_] if pipe is not None else []

    def probabilities(self, target: str, text: str) -> dict[str, float]:
        """Label → probability for one target; empty when the target was not trained."""
        pipe = self.pipelines.get(target)
        if pipe is None:
            return {}
        probs = pipe.predict_proba([text])[0]
        return {str(label): float(p) for label, p in zip(pipe.classes_, probs, strict=True)}

    def predict(self, target: str, text: str) -> tuple[str, float] | None:
        probs = self.probabilities(target, text)
        if not probs:
            return None
        label = max(probs, key=probs.__getitem__)
        return label, probs[label]


def _subset(examples: Sequence[LabelledExample], target: str) -> tuple[list[str], list[str]]:
    pairs = [(ex.text, ex.label(target)) for ex in examples if ex.label(target) is not None]
    return [t for t, _ in pairs], [str(label) for _, label in pairs]


def train(examples: Iterable[LabelledExample | tuple[str, Any]], *, seed: int = 0) -> TrainedModel:
    """Fit one pipeline per target from labelled examples (or `(text, labels)` pairs)."""
    items = [as_example(e) for e in examples]
    if not items:
        raise ValidationError("no training examples")
    pipelines: dict[str, Pipeline] = {}
    trained_on: dict[str, int] = {}
    # Problems this small only lose time to BLAS threads fighting over two cores.
    with threadpool_limits(limits=1):
        for target in TARGETS:
            texts, labels = _subset(items, target)
            if len(set(labels)) < 2:
                continue  # nothing to tell apart: the rules alone decide this target
            pipelines[target] = _pipeline(labels, seed).fit(texts, labels)
            trained_on[target] = len(texts)
    if "category" not in pipelines:
        raise ValidationError("training needs examples of at least two categories")
    return TrainedModel(pipelines, trained_on)


def held_out_split(
    examples: Iterable[LabelledExample | tuple[str, Any]], test_size: float = 0.25, seed: int = 0
) -> tuple[list[LabelledExample], list[LabelledExample]]:
    """Train and test parts, stratified by the finest label each example has."""
    items = [as_example(e) for e in examples]
    strata = [ex.personnel_class and f"RS{ex.personnel_class}" or ex.business_step or ex.category for ex in items]
    counts = {s: strata.count(s) for s in set(strata)}
    stratify = strata if min(counts.values()) >= 2 else None
    train_part, test_part = train_test_split(items, test_size=test_size, random_state=seed, stratify=stratify)
    return list(train_part), list(test_part)


def evaluate(model: TrainedModel, examples: Iterable[LabelledExample | tuple[str, Any]]) -> dict[str, Any]:
    """Accuracy per target of the statistical model alone (personnel class over RS pages, business
    step over SB pages), with per-label recall and the category confusions."""
    items = [as_example(e) for e in examples]
    report: dict[str, Any] = {"examples": len(items), "accuracy": {}, "support": {}, "per_label": {},
                              "confusions": {}}
    for target in TARGETS:
        texts, truth = _subset(items, target)
        pipe = model.pipelines.get(target)
        if not texts or pipe is None:
            continue
        predicted = [str(p) for p in pipe.predict(texts)]
        hits = [t == p for t, p in zip(truth, predicted, strict=True)]
        report["accuracy"][target] = round(sum(hits) / len(hits), 4)
        report["support"][target] = len(hits)
        per_label: dict[str, dict[str, float]] = {}
        confusions: dict[str, int] = {}
        for t, p in zip(truth, predicted, strict=True):
            entry = per_label.setdefault(t, {"n": 0, "correct": 0})
            entry["n"] += 1
            entry["correct"] += t == p
            if t != p:
                confusions[f"{t}->{p}"] = confusions.get(f"{t}->{p}", 0) + 1
        report["per_label"][target] = {k: {"n": v["n"], "recall": round(v["correct"] / v["n"], 4)}
                                       for k, v in sorted(per_label.items())}
        report["confusions"][target] = dict(sorted(confusions.items(), key=lambda kv: -kv[1]))
    return report


def save(model: TrainedModel, path: str | Path) -> Path:
    """Write atomically: a reader never sees half a model."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    with tmp.open("wb") as fh:
        pickle.dump({"format": MODEL_FORMAT, "sklearn": sklearn.__version__, "model": model}, fh)
    os.replace(tmp, path)
    return path


def load(path: str | Path) -> TrainedModel:
    """Read a model saved by `save`; ValidationError if it is of another format or library version."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            payload = pickle.load(fh)  # noqa: S301 - our own file under ARCHIVE_HOME, see module doc
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise ValidationError(f"classifier model {path} cannot be read: {exc}") from None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ValidationError(f"classifier model {path} has format {payload.get('format') if isinstance(payload, dict) else '?'}, "
                              f"this version reads format {MODEL_FORMAT}; retrain it")
    if payload.get("sklearn") != sklearn.__version__:
        raise ValidationError(f"classifier model {path} was written by scikit-learn {payload.get('sklearn')}, "
                              f"installed is {sklearn.__version__}; retrain it")
    return payload["model"]


def train_and_report(
    extra: Iterable[LabelledExample | tuple[str, Any]] = (), *, per_class: int = 40, seed: int = 0,
    test_size: float = 0.25,
) -> tuple[TrainedModel, dict[str, Any]]:
    """What `archive classifier train` runs: synthetic pages plus the corrections, accuracy on a
    held-out split, then the final model fitted on everything."""
    corrections = [as_example(e) for e in extra]
    examples = generate(per_class, seed=seed) + corrections
    train_part, test_part = held_out_split(examples, test_size=test_size, seed=seed)
    report = evaluate(train(train_part, seed=seed), test_part)
    report.update(train_examples=len(train_part), test_examples=len(test_part), corrections=len(corrections))
    return train(examples, seed=seed), report


_lock = threading.Lock()
_loaded: dict[str, TrainedModel] = {}


def model_dir() -> Path | None:
    """ARCHIVE_HOME/models, or None when the settings cannot be read (then nothing is cached)."""
    from archive.config import load_settings
    from archive.errors import ConfigError

    try:
        return load_settings().home / "models"
    except ConfigError:
        return None


def active_model_path(directory: Path | None = None) -> Path | None:
    directory = directory if directory is not None else model_dir()
    return directory / ACTIVE_MODEL_NAME if directory is not None else None


def default_model(directory: str | Path | None = None) -> TrainedModel:
    """The model classification uses: the active model if one was trained and saved, else the one
    trained from the synthetic pages (cached on disk and in the process)."""
    base = Path(directory) if directory is not None else model_dir()
    key = str(base)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        model = _read_cached(base)
        if model is None:
            model = train(generate(40, seed=0))
            if base is not None:
                try:
                    save(model, base / _cache_name())
                    _drop_stale_caches(base)
                except OSError:
                    pass  # a read-only home still classifies, it just trains again next time
        _loaded[key] = model
        return model


def forget_loaded_models() -> None:
    """Drop the in-process copies (after `archive classifier train` saved a new active model)."""
    with _lock:
        _loaded.clear()


def _cache_name() -> str:
    return f"classifier-f{MODEL_FORMAT}-d{TRAINING_DATA_VERSION}-sk{sklearn.__version__}.pkl"


def _drop_stale_caches(base: Path) -> None:
    """Caches of older formats, data versions or libraries are never read again."""
    for path in base.glob("classifier-f*-d*-sk*.pkl"):
        if path.name != _cache_name():
            path.unlink(missing_ok=True)


def _read_cached(base: Path | None) -> TrainedModel | None:
    if base is None:
        return None
    for path in (base / ACTIVE_MODEL_NAME, base / _cache_name()):
        if path.exists():
            try:
                return load(path)
            except ValidationError:
                continue  # stale format or library: fall through and retrain
    return None
