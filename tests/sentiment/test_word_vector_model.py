"""The shipped word-vector model: its per-word rows, its P(negative), and its place in the scorer."""

from __future__ import annotations

import gzip
import json
import math

import pytest

from care_monitor.sentiment.care_layer import load_care_layer
from care_monitor.sentiment.features import tokens
from care_monitor.sentiment.linear_model import MODEL_DIR
from care_monitor.sentiment.scorer import Scorer
from care_monitor.sentiment.word_vector_model import (
    MAX_VALENCE,
    VECTOR_LANGUAGES,
    WordVectorModel,
    load_word_vector_model,
    negativity_valence,
    outside_negation,
)


@pytest.fixture(scope="module")
def raw() -> dict:
    with gzip.open(MODEL_DIR / "it.vectors.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _softmax_negative(logits: list[float]) -> float:
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    return exps[0] / sum(exps)


def test_every_vector_language_ships_a_model():
    for language in VECTOR_LANGUAGES:
        assert load_word_vector_model(language) is not None, language
    assert load_word_vector_model("en") is None
    assert load_word_vector_model("ro") is None  # the encoder does not cover Romanian
    assert load_word_vector_model("pt") is None  # cross-validation gain within noise


def test_p_negative_is_the_softmax_of_the_intercept_plus_the_shrunk_mean_row(raw):
    model = WordVectorModel(raw)
    toks = tokens("Che schifo di servizio, nessuno risponde xqzwvk")
    known = [raw["words"][t] for t in toks if t in raw["words"]]
    assert 2 <= len(known) < len(toks)  # unknown tokens and punctuation are skipped
    shrink = raw["combination"]["shrink"]
    logits = [b + sum(col) / (len(known) + shrink) for b, col in zip(raw["intercept"], zip(*known))]
    assert math.isclose(model.p_negative(toks), _softmax_negative(logits), rel_tol=1e-9)


def test_a_negation_and_the_words_after_it_in_its_clause_are_left_out():
    assert outside_negation(tokens("non è affatto male, anzi bello")) == [",", "anzi", "bello"]
    assert outside_negation(tokens("il film non mi è piaciuto per niente")) == [
        "il", "film", "per", "niente"]
    toks = tokens("senza negazioni qui")
    assert outside_negation(toks) is toks


def test_not_bad_is_not_negative_by_its_words_alone(raw):
    model = WordVectorModel(raw)
    assert model.valence(tokens("il film non è affatto male")) > -0.1


def test_a_post_without_known_words_gets_no_evidence(raw):
    model = WordVectorModel(raw)
    assert model.p_negative(tokens("xqzwvk !!! 123")) is None
    assert model.valence(tokens("xqzwvk !!!")) == 0.0
    assert model.reasons(tokens("xqzwvk !!!")) == ()


def test_blame_reads_more_negative_than_praise(raw):
    model = WordVectorModel(raw)
    blame = model.p_negative(tokens("una vergogna, gente incompetente e arrogante"))
    praise = model.p_negative(tokens("che bella giornata, grazie di cuore a tutti"))
    assert blame > 0.5 > praise
    toks = tokens("una vergogna, gente incompetente e arrogante")
    assert model.valence(toks) < 0
    reasons = model.reasons(toks)
    assert set(reasons) <= {"vergogna", "incompetente", "arrogante", "gente"}
    assert reasons  # the words that drove it are named


def test_negativity_valence_is_capped_and_zero_at_the_offset():
    assert negativity_valence(0.2, 0.5, 0.2) == 0.0
    assert negativity_valence(1.0, 0.25, 0.2) == pytest.approx(-0.25 * MAX_VALENCE)
    assert negativity_valence(0.9, 1.0, 0.2) < negativity_valence(0.5, 1.0, 0.2) < 0
    assert negativity_valence(0.0, 1.0, 0.2) > 0


def test_a_combination_out_of_range_is_refused(raw):
    broken = {**raw, "combination": {**raw["combination"], "offset": 1.5}}
    with pytest.raises(ValueError, match="combination"):
        WordVectorModel(broken)


def test_the_scorer_adds_the_evidence_to_the_weighted_ngram_valence(raw):
    """An Italian post whose blame is in words no care rule lists: the word vectors must lean
    it negative, and name their words."""
    text = "il solito dissidio tra intoccabili"
    assert load_care_layer("it").evaluate(text).matches == ()
    model = load_word_vector_model("it")
    vector_reasons = model.reasons(tokens(text))
    assert model.valence(tokens(text)) < 0 and vector_reasons
    result = Scorer().score(text, language="it")
    assert result.label == "negative"
    assert set(vector_reasons) <= set(result.reasons)


@pytest.mark.parametrize("language", VECTOR_LANGUAGES)
def test_the_rows_the_ngram_model_carries_give_the_same_valence(language):
    """The scorer reads the word-vector rows from the n-gram model's rows (one look-up per
    token); they must give what the model's own look-up gives, negations included."""
    from care_monitor.sentiment.linear_model import load_model

    texts = [
        "non è affatto male, anzi bello", "il solito dissidio tra intoccabili",
        "no es nada malo, pero tampoco bueno", "ce n'est pas terrible du tout",
        "das ist nicht schlecht, aber auch nicht gut", "servicio pésimo, nadie responde",
        "xqzwvk", "!!!",
    ]
    model, vectors = load_model(language), load_word_vector_model(language)
    moved = 0
    for text in texts:
        toks = tokens(text)
        rows = model.score(text, toks=toks).rows
        assert vectors.valence(toks, rows) == pytest.approx(vectors.valence(toks), abs=1e-9)
        assert vectors.reasons(toks, rows) == vectors.reasons(toks)
        moved += vectors.valence(toks) != 0.0
    assert moved >= 2  # each model knows its own language's words


def test_the_training_features_are_what_the_model_reads():
    """bench/train_word_vectors.py fits on `features(word_sums(...))`; the shipped model must
    read a post the same way (negation scope left out, shrunk mean), or its rows mean nothing."""
    import numpy as np

    from bench.train_word_vectors import features, word_sums

    rng = np.random.default_rng(0)
    words = ["bello", "film", "male", "il", "è"]
    vectors = rng.normal(size=(len(words), 8))
    coef = rng.normal(size=(3, 8))
    intercept = np.array([0.2, 0.0, -0.1])
    shrink = 2.0
    model = WordVectorModel({
        "language": "it", "classes": ["negative", "neutral", "positive"],
        "intercept": intercept.tolist(),
        "combination": {"ngram_weight": 0.5, "weight": 0.5, "offset": 0.3, "shrink": shrink},
        "words": {word: (vectors[i] @ coef.T).tolist() for i, word in enumerate(words)},
    })
    for text in ("il film non è male, è bello", "bello bello", "male", "non male"):
        sums, counts = word_sums([text], {w: i for i, w in enumerate(words)}, vectors)
        logits = intercept + features(sums, counts, shrink)[0] @ coef.T
        expected = np.exp(logits - logits.max())
        expected = expected[0] / expected.sum()
        got = model.p_negative(tokens(text))
        if counts[0] == 0:
            assert got is None, text
        else:
            assert got == pytest.approx(expected, abs=1e-9), text


def _mask_step_by_step(toks, negators, clause_ends, scope):
    """The scope rule token by token, as first written: the reference for the faster mask."""
    mask, skip = [], 0
    for tok in toks:
        if tok in negators:
            skip = scope
            mask.append(False)
        elif skip and tok in clause_ends:
            skip = 0
            mask.append(True)
        else:
            mask.append(not skip)
            skip = max(0, skip - 1)
    return mask


def test_the_negation_mask_equals_the_step_by_step_rule():
    from care_monitor.sentiment.care_layer import _CLAUSE_END, _NEGATORS
    from care_monitor.sentiment.word_vector_model import NEGATION_SCOPE, outside_negation_mask
    from tests.sentiment.test_speedups import TEXTS

    texts = ["non non è affatto male", "pas, pas de réponse. not at all not", "nicht", ""]
    for text in texts + TEXTS:
        toks = tokens(text)
        for scope in (0, 1, NEGATION_SCOPE, 5):
            assert outside_negation_mask(toks, _NEGATORS, _CLAUSE_END, scope) == (
                _mask_step_by_step(toks, _NEGATORS, _CLAUSE_END, scope)), text
