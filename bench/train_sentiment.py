"""Train the compact per-language sentiment models shipped in care_monitor/sentiment/models/.

    make train-sentiment        # = python -m bench.train_sentiment

Reads ../shared/data/sentiment-train/*.tsv (see docs/sentiment.md for sources and licences),
fits one multinomial logistic regression per language on the features of
care_monitor.sentiment.features, picks C and the label thresholds (best 3-class macro-F1 averaged with negative-class F1)
by 5-fold cross-validation
on the training rows only (never the dev sets), and writes the non-negligible weights as
gzipped JSON (no pickles).  Deterministic: same data -> byte-identical files.
"""

from __future__ import annotations

import gzip
import json
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bench.datasets import LABELS, train_rows
from care_monitor.sentiment.features import extract
from care_monitor.sentiment.linear_model import MODEL_DIR, MODEL_LANGUAGES, calibrate

C_GRID = (1.0, 3.0, 10.0)
MIN_DF = 2
MIN_WEIGHT = 0.02
MAX_FEATURES = 40_000


def vectorise(feature_lists: list[list[str]], vocabulary: dict[str, int]) -> csr_matrix:
    """Feature counts divided by sqrt(number of features extracted): what LinearModel computes."""
    rows, cols, values = [], [], []
    for i, feats in enumerate(feature_lists):
        if not feats:
            continue
        scale = 1.0 / math.sqrt(len(feats))
        for feat, count in Counter(feats).items():
            j = vocabulary.get(feat)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append(count * scale)
    return csr_matrix((values, (rows, cols)), shape=(len(feature_lists), len(vocabulary)))


def _objective(y: np.ndarray, pred: np.ndarray) -> float:
    """3-class macro-F1 plus the negative class's F1 again: alerts live on negatives."""
    scores = []
    for k in (0, 1, 2):
        tp = np.sum((pred == k) & (y == k))
        denominator = np.sum(pred == k) + np.sum(y == k)
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float((np.mean(scores) + scores[0]) / 2)


def best_thresholds(s: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Thresholds low <= 0 <= high on s = P(pos) - P(neg) that maximise `_objective`.

    Keeping 0 inside the neutral band keeps the score readable (0 = no lean either way).
    """
    grid = np.round(np.arange(-0.8, 0.81, 0.02), 2)
    best = (-1.0, 0.0, 0.0)
    for low in grid[grid <= 0]:
        for high in grid[grid >= 0]:
            pred = np.where(s <= low, 0, np.where(s >= high, 2, 1))
            f1 = _objective(y, pred)
            if f1 > best[0] + 1e-9:
                best = (f1, float(low), float(high))
    return best


def fit(
    texts: list[str], y: np.ndarray, c_grid: tuple[float, ...] = C_GRID, name: str = ""
) -> tuple[dict, dict]:
    """A model of `texts` (labels `y`): C and the label thresholds picked by 5-fold CV, then
    fitted on all rows.  Returns the model's fields (intercept, thresholds, weights) and the
    facts of its training; `name` prints each C's CV figures."""
    feature_lists = [extract(text) for text in texts]
    df = Counter(f for feats in feature_lists for f in set(feats))
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in df.items() if n >= MIN_DF))}
    x = vectorise(feature_lists, vocabulary)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    results = []
    for c in c_grid:
        model = LogisticRegression(C=c, max_iter=2000)
        proba = cross_val_predict(model, x, y, cv=folds, method="predict_proba")
        s = proba[:, 2] - proba[:, 0]
        f1, low, high = best_thresholds(s, y)
        results.append((f1, c, low, high))
        if name:
            pred = np.where(s <= low, 0, np.where(s >= high, 2, 1))
            tp = int(np.sum((pred == 0) & (y == 0)))
            print(f"  {name} C={c}: cv objective {f1:.3f} thresholds {low:+.2f} {high:+.2f} "
                  f"neg R {tp / max(1, np.sum(y == 0)):.2f} P {tp / max(1, np.sum(pred == 0)):.2f}")
    f1, c, low, high = max(results)
    model = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    coef = model.coef_ - model.coef_.mean(axis=0)  # softmax is unchanged by per-feature shifts
    names = sorted(vocabulary, key=vocabulary.get)
    strength = np.abs(coef).max(axis=0)
    keep = [j for j in np.argsort(-strength, kind="stable")[:MAX_FEATURES] if strength[j] >= MIN_WEIGHT]
    weights = {names[j]: [round(float(w), 3) for w in coef[:, j]] for j in sorted(keep)}
    fitted = {
        "intercept": [round(float(b), 4) for b in model.intercept_ - model.intercept_.mean()],
        "thresholds": {"negative": low, "positive": high},
        "weights": weights,
    }
    facts = {"C": c, "cv_objective": round(f1, 4), "features_kept": len(weights),
             "vocabulary": len(vocabulary)}
    return fitted, facts


def train(language: str) -> dict:
    rows = train_rows(language)
    if not rows:
        sys.exit(f"no training rows for {language!r}")
    y = np.array([LABELS.index(label) for label, _ in rows])
    fitted, facts = fit([text for _, text in rows], y, C_GRID, language)
    counts = Counter(label for label, _ in rows)
    return {
        "language": language,
        "classes": list(LABELS),
        **fitted,
        "training": {
            "rows": len(rows),
            "counts": {label: counts[label] for label in LABELS},
            **facts,
        },
    }


def write_model(path: Path, model: dict) -> None:
    """Gzipped JSON with sorted keys and no timestamp: the same model gives the same bytes."""
    payload = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(payload.encode("utf-8"))


def main(languages: list[str]) -> None:
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    for language in languages or MODEL_LANGUAGES:
        model = train(language)
        calibrate(model)  # fails loudly if the thresholds cannot be mapped
        path = MODEL_DIR / f"{language}.json.gz"
        write_model(path, model)
        print(f"{language}: {model['training']} -> {path.name} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
