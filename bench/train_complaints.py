"""Train the complaint detectors shipped as care_monitor/sentiment/models/<lang>_complaint.json.gz.

    make train-sentiment                   # runs this last (it reads the scores of the others)
    python -m bench.train_complaints it    # one language

One detector per language with own written posts to brands (bench/data/complaints_<lang>_*.tsv,
Apache-2.0, see bench/data/README.md; "negative" = complaint).  Rows: those posts and the
language's training tweets (../shared/data/sentiment-train).  A binary logistic regression over
word unigrams and bigrams (complaint_model.features_of).  C and the probability threshold are
picked by 5-fold cross-validation of what the scorer will do with it: a post in that language
that the scorer leaves neutral (and that its care layer does not call a plain question for
information) becomes negative when P(complaint) >= threshold.  Objective: the negative-class F1
on the written posts, among the settings whose macro-F1 on the general tweets stays at least
GENERAL_MARGIN above the scorer's without the detector, so that catching complaints does not cost
general accuracy.  In a language with a trained model, the general tweets' labels without the
detector are those of fold models that did not see them (bench.cv_care.fold_scores): the shipped
model has learnt those tweets, and its labels on them are better than on any new post.
Deterministic: same data -> same bytes.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bench.bench_sentiment import figures
from bench.cv_care import fold_scores
from bench.datasets import LABELS, read_tsv, train_rows
from bench.train_sentiment import MIN_DF, MIN_WEIGHT, vectorise, write_model
from care_monitor.sentiment import Scorer, label_for
from care_monitor.sentiment.care_layer import load_care_layer
from care_monitor.sentiment.complaint_model import features_of, model_file
from care_monitor.sentiment.features import tokens
from care_monitor.sentiment.linear_model import MODEL_LANGUAGES

DATA = Path(__file__).resolve().parent / "data"
C_GRID = (0.3, 1.0, 3.0)
THRESHOLDS = np.round(np.arange(0.50, 0.951, 0.05), 2)
# the detector must not cost general accuracy: cross-validated macro-F1 on the general tweets must
# not fall below the scorer's without it (they are not the posts the team reads, but the
# same scorer labels them)
GENERAL_MARGIN = 0.0
COMMON_SHARE = 0.03
# Words in a negation's scope are marked as features of their own ("non è affatto male" is no
# complaint) in every language but English: its detector marked this way rose in CV (objective
# 0.875 -> 0.889) but fired on enough general tweets to bring vader_tweets_en's macro-F1 below
# plain VADER's (0.740 -> 0.733), a development-set check; VADER handles English negation itself
UNMARKED_LANGUAGES = frozenset({"en"})


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    return float(np.mean([f1(gold, predicted, label) for label in LABELS]))


def f1(gold: list[str], predicted: list[str], label: str) -> float:
    tp = sum(g == p == label for g, p in zip(gold, predicted))
    denominator = gold.count(label) + predicted.count(label)
    return 2 * tp / denominator if denominator else 0.0


def complaint_sets(language: str) -> list[Path]:
    return sorted(DATA.glob(f"complaints_{language}_*.tsv"))


def combined(
    base: list[str], probabilities: np.ndarray, threshold: float, asked: list[bool]
) -> list[str]:
    """What the scorer does: a neutral post the detector is `asked` about and sure of becomes
    negative."""
    return [
        "negative" if b == "neutral" and a and p >= threshold else b
        for b, p, a in zip(base, probabilities, asked)
    ]


def objective(gold, base, probabilities, is_complaint_set, threshold, asked) -> tuple[float, float]:
    """(negative F1 on the complaint sets, 3-class macro-F1 on the general tweets)."""
    predicted = combined(base, probabilities, threshold, asked)
    own = [i for i, flag in enumerate(is_complaint_set) if flag]
    general = [i for i, flag in enumerate(is_complaint_set) if not flag]
    return (f1(_pick(gold, own), _pick(predicted, own), "negative"),
            macro_f1(_pick(gold, general), _pick(predicted, general)))


def common_words(texts: list[str]) -> list[str]:
    """Words in at least COMMON_SHARE of the texts ("the", "una", "non"): they weigh in the
    model but explain nothing to a reader of an alert."""
    counts = Counter(tok for text in texts for tok in set(tokens(text)) if tok.isalpha())
    return sorted(tok for tok, n in counts.items() if n >= COMMON_SHARE * len(texts))


def negative_figures(gold: list[str], predicted: list[str]) -> str:
    found = figures(gold, predicted, seconds=1.0)  # the bench's own figures; no time here
    return (f"negative recall {found.neg_recall:.3f}, precision {found.neg_precision:.3f}, "
            f"macro-F1 {found.macro_f1:.3f}")


def _pick(items: list[str], indices: list[int]) -> list[str]:
    return [items[i] for i in indices]


def without_detector(language: str, texts: list[str], written: int) -> tuple[list[str], list[bool]]:
    """Each text's label without the detector, and whether the scorer would ask the detector
    about it (if it is left neutral): detected as that language, and not a plain question for
    information (care layer).  The first `written` texts are the written posts; the rest are
    the general tweets, which in a language with a trained model get the labels of fold models
    that did not see them (the shipped model has learnt them: its labels on them are better
    than on any new post)."""
    scorer = Scorer(complaint_model=False)
    results = [scorer.score(text) for text in texts]
    labels = [result.label for result in results]
    care = load_care_layer(language)
    if language in MODEL_LANGUAGES:
        labels[written:] = [label_for(score) for score in fold_scores(language, care)]
    asked = [
        result.language == language and not care.evaluate(text).drops_model_lean
        for result, text in zip(results, texts)
    ]
    return labels, asked


def cross_validated(x, y: np.ndarray, strata: list[str]) -> dict[float, np.ndarray]:
    """Each row's P(complaint) from 5-fold models, for every C of C_GRID."""
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(x, strata))
    probabilities = {}
    for c in C_GRID:
        probabilities[c] = np.zeros(len(y))
        for fit_rows, held_rows in folds:
            model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
            model.fit(x[fit_rows], y[fit_rows])
            probabilities[c][held_rows] = model.predict_proba(x[held_rows])[:, 1]
    return probabilities


def train(language: str) -> dict:
    sets = complaint_sets(language)
    own = [row for path in sets for row in read_tsv(path)]
    general = train_rows(language)
    rows = own + general
    is_complaint_set = [True] * len(own) + [False] * len(general)
    gold = [label for label, _ in rows]
    base, asked = without_detector(language, [text for _, text in rows], len(own))
    marked = language not in UNMARKED_LANGUAGES
    feature_lists = [features_of(tokens(text), marked) for _, text in rows]
    df = Counter(f for feats in feature_lists for f in set(feats))
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= MIN_DF))}
    x = vectorise(feature_lists, vocabulary)
    y = np.array([label == "negative" for label in gold], dtype=int)
    strata = [f"{flag}:{label}" for flag, label in zip(is_complaint_set, gold)]
    cv_probabilities = cross_validated(x, y, strata)
    general_rows = [i for i, flag in enumerate(is_complaint_set) if not flag]
    general_floor = macro_f1(_pick(gold, general_rows), _pick(base, general_rows)) + GENERAL_MARGIN
    results = []
    for c, probabilities in cv_probabilities.items():
        for threshold in THRESHOLDS:
            complaint_f1, general_f1 = objective(
                gold, base, probabilities, is_complaint_set, float(threshold), asked)
            print(f"  {language}_complaint C={c} threshold {threshold:.2f}: complaint-set "
                  f"negative F1 {complaint_f1:.3f}, general macro-F1 {general_f1:.3f} "
                  f"(floor {general_floor:.3f})")
            if general_f1 >= general_floor:
                results.append((round(complaint_f1, 6), c, float(threshold)))
    if not results:
        raise SystemExit(f"{language}: no threshold keeps the general tweets' macro-F1: "
                         "complaint model not written")
    score, c, threshold = max(results)
    chosen = combined(base, cv_probabilities[c], threshold, asked)
    for name, labels in (("without the detector", base), ("with it", chosen)):
        print(f"  {language} general tweets, cross-validated, {name}: "
              f"{negative_figures(_pick(gold, general_rows), _pick(labels, general_rows))}")
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
    names = sorted(vocabulary, key=vocabulary.get)
    weights = {
        names[j]: round(float(w), 3) for j, w in enumerate(model.coef_[0]) if abs(w) >= MIN_WEIGHT
    }
    return {
        "model": f"{language}_complaint",
        "intercept": round(float(model.intercept_[0]), 4),
        "threshold": threshold,
        "weights": dict(sorted(weights.items())),
        "not_reasons": common_words([text for _, text in general]),
        "negation_marked": marked,
        "training": {
            "complaint_sets": [path.name for path in sets],
            "complaint_rows": len(own),
            "general_rows": len(general),
            "C": c,
            "cv_objective": score,
            "features_kept": len(weights),
        },
    }


def main(languages: list[str]) -> None:
    written = sorted({path.name.split("_")[1] for path in DATA.glob("complaints_*_*.tsv")})
    for language in languages or written:
        model = train(language)
        path = model_file(language)
        write_model(path, model)
        print(f"{language}_complaint: {model['training']} -> {path.name} "
              f"({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
