"""The trainable classifier: fast to train, accurate on held-out synthetic pages, saved and loaded
with a format number, retrained with archivists' corrections."""

from __future__ import annotations

import pickle
import time

import pytest

from archive.errors import ValidationError
from ingest.classify import model as model_module
from ingest.classify.model import (
    ACTIVE_MODEL_NAME,
    default_model,
    evaluate,
    forget_loaded_models,
    held_out_split,
    load,
    save,
    train,
    train_and_report,
)
from ingest.classify.training_data import generate


@pytest.fixture(scope="module")
def split():
    return held_out_split(generate(40, seed=0), test_size=0.25, seed=0)


@pytest.fixture(scope="module")
def trained(split):
    started = time.perf_counter()
    model = train(split[0])
    return model, time.perf_counter() - started


def test_training_takes_seconds(trained):
    _, seconds = trained
    assert seconds < 30, f"training took {seconds:.1f} s"  # about 1-3 s on an idle 2-core machine


def test_held_out_accuracy_per_target(trained, split):
    model, _ = trained
    report = evaluate(model, split[1])
    assert set(report["accuracy"]) == {"category", "personnel_class", "business_step"}
    for target, accuracy in report["accuracy"].items():
        assert accuracy >= 0.9, (target, report["confusions"][target])
    assert report["support"]["personnel_class"] == 100  # 25% of 10 classes x 40


def test_pages_of_another_seed(trained):
    model, _ = trained
    report = evaluate(model, generate(10, seed=4242, noise=0.06))
    assert min(report["accuracy"].values()) >= 0.9


def test_split_is_stratified_and_disjoint(split):
    train_part, test_part = split
    assert len(test_part) == 300
    assert not {e.text for e in train_part} & {e.text for e in test_part}
    assert {e.personnel_class for e in test_part if e.category == "RS"} == {str(i) for i in range(1, 11)}


def test_probabilities_are_calibrated_numbers(trained):
    model, _ = trained
    probs = model.probabilities("category", "干部履历表\n姓名 张三 性别 男\n填表日期：2015年3月2日")
    assert set(probs) == {"WS", "SB", "RS", "AJ", "KJ", "JJ", "SX"}
    assert abs(sum(probs.values()) - 1) < 1e-6
    assert max(probs, key=probs.get) == "RS"
    assert model.predict("unknown_target", "x") is None


def test_save_and_load_round_trip(trained, tmp_path):
    model, _ = trained
    path = save(model, tmp_path / "m" / "classifier.pkl")
    again = load(path)
    text = "社会保险费缴费申报表\n单位名称：某公司\n缴费基数 4200元"
    assert again.predict("category", text) == model.predict("category", text)
    assert again.format == model_module.MODEL_FORMAT


def test_load_refuses_other_formats(tmp_path):
    path = tmp_path / "old.pkl"
    path.write_bytes(pickle.dumps({"format": 0, "model": None}))
    with pytest.raises(ValidationError, match="format"):
        load(path)
    (tmp_path / "junk.pkl").write_bytes(b"not a pickle")
    with pytest.raises(ValidationError):
        load(tmp_path / "junk.pkl")


def test_corrections_teach_new_wording():
    # A form the synthetic pages never show, filed by archivists as personnel class 10.
    corrections = [(f"援疆干部登记卡 第{i}号\n姓名 某某 派出单位 长白市人社局", {"category": "RS", "personnel_class": "10"})
                   for i in range(12)]
    model, report = train_and_report(corrections, per_class=20, seed=1)
    assert report["corrections"] == 12
    assert report["accuracy"]["category"] >= 0.9
    label, _ = model.predict("personnel_class", "援疆干部登记卡 第99号\n姓名 某某")
    assert label == "10"


def test_training_needs_two_categories():
    with pytest.raises(ValidationError):
        train([("干部履历表", {"category": "RS"}), ("个人简历", {"category": "RS"})])
    with pytest.raises(ValidationError):
        train([])


def test_default_model_is_trained_once_and_cached_on_disk(tmp_path, monkeypatch):
    forget_loaded_models()
    (tmp_path / "classifier-f0-d0-sk0.pkl").write_bytes(b"stale")
    first = default_model(tmp_path)
    cached = list(tmp_path.glob("classifier-f*.pkl"))
    assert len(cached) == 1 and cached[0].name != "classifier-f0-d0-sk0.pkl"
    assert default_model(tmp_path) is first  # in-process copy
    forget_loaded_models()
    monkeypatch.setattr(model_module, "train", lambda *a, **k: pytest.fail("retrained despite the cache"))
    default_model(tmp_path)


def test_an_active_model_wins_over_the_cache(tmp_path, trained):
    model, _ = trained
    save(model, tmp_path / ACTIVE_MODEL_NAME)
    forget_loaded_models()
    loaded = default_model(tmp_path)
    assert loaded.created == model.created
    forget_loaded_models()


def test_default_model_uses_archive_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path))
    assert model_module.model_dir() == tmp_path.resolve() / "models"
