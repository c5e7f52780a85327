"""The scorer's fast per-word sums must equal the training features' weights (features.word_features)."""

from __future__ import annotations

import gzip
import json
import math

import pytest

from care_monitor.sentiment.features import word_features
from care_monitor.sentiment.linear_model import MODEL_DIR, load_model

WORDS = ["servicio", "terrible", "nadie", "aeropuerto", "xqzwvk", "ok", "a", "esperandooo"]


@pytest.fixture(scope="module")
def raw_weights() -> dict[str, list[float]]:
    with gzip.open(MODEL_DIR / "es.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)["weights"]


@pytest.mark.parametrize("word", WORDS)
def test_word_row_equals_the_sum_of_its_training_features(word, raw_weights):
    feats = word_features(word)
    rows = [raw_weights[f] for f in feats if f in raw_weights]
    neg, neu, pos = (sum(column) for column in zip(*rows)) if rows else (0.0, 0.0, 0.0)
    weights, count, *_ = load_model("es")._word_row(word)
    assert count == len(feats)
    assert math.isclose(weights.real, neg - neu, abs_tol=1e-9)
    assert math.isclose(weights.imag, pos - neu, abs_tol=1e-9)


def test_vocabulary_words_are_precomputed_and_survive_clear_cache():
    model = load_model("es")
    word = next(iter(model._unigrams))
    model.clear_cache()
    assert word in model._cache
    assert model.score("nadie me responde, servicio terrible").score < 0
