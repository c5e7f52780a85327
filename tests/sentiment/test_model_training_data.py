"""Every shipped model was trained on the data the repository holds now.

A training file added or changed without `make train-sentiment` would leave a model that no
longer matches its recorded training: these tests catch it from the counts each model file
records.  They read ../shared/data (present in CI) and bench/data.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from bench.datasets import LABELS, OWN_DATA, read_tsv, train_rows
from bench.train_complaints import complaint_sets
from care_monitor.sentiment.complaint_model import model_file
from care_monitor.sentiment.linear_model import MODEL_DIR, MODEL_LANGUAGES
from care_monitor.sentiment.word_vector_model import VECTOR_LANGUAGES


def _training(name: str) -> dict:
    with gzip.open(MODEL_DIR / name, "rt", encoding="utf-8") as handle:
        return json.load(handle)["training"]


@pytest.mark.parametrize("language", MODEL_LANGUAGES)
def test_ngram_model_was_trained_on_the_current_rows(language: str) -> None:
    rows = train_rows(language)
    training = _training(f"{language}.json.gz")
    assert training["rows"] == len(rows)
    counts = Counter(label for label, _ in rows)
    assert training["counts"] == {label: counts[label] for label in LABELS}


@pytest.mark.parametrize("language", VECTOR_LANGUAGES)
def test_word_vector_model_was_trained_on_the_current_rows(language: str) -> None:
    assert _training(f"{language}.vectors.json.gz")["rows"] == len(train_rows(language))


@pytest.mark.parametrize(
    "language", [lang for lang in ("en", *MODEL_LANGUAGES) if model_file(lang).is_file()]
)
def test_complaint_detector_was_trained_on_the_current_sets(language: str) -> None:
    training = _training(model_file(language).name)
    sets = complaint_sets(language)
    assert training["complaint_sets"] == [path.name for path in sets]
    assert training["complaint_rows"] == sum(len(read_tsv(path)) for path in sets)
    assert training["general_rows"] == len(train_rows(language))


def test_written_training_rows_are_balanced_and_unique() -> None:
    """The own written training rows (bench/data/<lang>_written_*.tsv) parse, hold every label
    and repeat no text: a writer's slip would otherwise weigh twice in training."""
    paths = sorted(OWN_DATA.glob("[a-z][a-z]_written_*.tsv"))
    assert paths, "no written training rows found"
    for path in paths:
        rows = read_tsv(path)
        counts = Counter(label for label, _ in rows)
        assert set(counts) == set(LABELS), path.name
        texts = [text for _, text in rows]
        assert len(set(texts)) == len(texts), f"{path.name} repeats a text"
