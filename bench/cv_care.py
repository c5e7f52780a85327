"""Cross-validate a care-layer file together with the trained model, as the scorer combines them.

    python -m bench.cv_care it                       # the shipped care/it.yaml
    python -m bench.cv_care it --care /tmp/it.yaml   # a candidate file
    python -m bench.cv_care it --care /tmp/it.yaml --dev   # also score the dev set once
    python -m bench.cv_care it --care /tmp/it.yaml --own   # and the own looked-at sets

5-fold cross-validation on the language's training rows (same folds as bench.train_sentiment):
for each fold a model is trained on the other four folds exactly like `make train-sentiment`
does (C fixed to the shipped model's, thresholds picked by an inner 5-fold CV on those four
folds), then each held-out row gets what the scorer computes for a model language: the model's
valence capped at +-MODEL_MAX_VALENCE (times the word-vector model's `ngram_weight`, plus that
model's valence from fold models trained like bench.train_word_vectors, for it/fr/de), plus
VADER's emoticons, plus the care layer; normalised; negative at <= -0.05.  The fold models are cached in /tmp (they do not depend on the care file),
so comparing lexicon candidates takes seconds.

Printed: negative recall / precision, macro-F1, the objective of bench.train_sentiment
((macro-F1 + negative F1) / 2) and R@P.60 (best negative recall at precision >= 0.60 over all
thresholds: ranking quality, independent of the label edge).  `--dev` prints the same figures
for the language's development set(s) scored by the full Scorer (language detection included);
it prints figures only, never texts.  `--own` does the same for the project's own looked-at sets
of the language (bench/data/check_<lang>_*), `--blind` for its blind ones (heldout_<lang>_*:
score those once, when a file is final).
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bench.datasets import DEV_DIR, LABELS, read_tsv, train_rows
from bench.train_sentiment import fit
from care_monitor.sentiment import care_layer as care_module
from care_monitor.sentiment import scorer as scorer_module
from care_monitor.sentiment.features import tokens
from care_monitor.sentiment.linear_model import MODEL_DIR, LinearModel
from care_monitor.sentiment.word_vector_model import load_word_vector_model, negativity_valence

CACHE = Path("/tmp/care_monitor_cv_cache")
OWN_DATA = Path(__file__).resolve().parent / "data"


def fold_model(texts: list[str], y: np.ndarray, c: float, language: str) -> LinearModel:
    """A model trained like bench.train_sentiment.train (fixed C) on these rows."""
    fitted, _ = fit(texts, y, (c,))
    return LinearModel({"language": language, **fitted})


def model_valences(language: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, gold labels and each row's capped model valence from the fold models (cached)."""
    rows = train_rows(language)
    texts = [t for _, t in rows]
    y = np.array([LABELS.index(label) for label, _ in rows])
    with gzip.open(MODEL_DIR / f"{language}.json.gz", "rt", encoding="utf-8") as handle:
        c = json.load(handle)["training"]["C"]
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{language}_C{c}_{len(rows)}.pkl"
    if path.is_file():
        return texts, y, pickle.loads(path.read_bytes())
    valence = np.zeros(len(rows))
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        model = fold_model([texts[i] for i in train_idx], y[train_idx], c, language)
        for i in test_idx:
            v = scorer_module.to_valence(model.score(texts[i]).score)
            valence[i] = max(-scorer_module.MODEL_MAX_VALENCE,
                             min(scorer_module.MODEL_MAX_VALENCE, v))
    path.write_bytes(pickle.dumps(valence))
    return texts, y, valence


def vector_valences(
    language: str, texts: list[str], y: np.ndarray, ngram_valence: np.ndarray
) -> np.ndarray:
    """What the shipped word-vector model's combination adds to each row's capped n-gram
    valence, from fold models trained like bench.train_word_vectors (zeros without one)."""
    shipped = load_word_vector_model(language)
    if shipped is None:
        return np.zeros(len(texts))
    from bench.train_word_vectors import embed, features, vocabulary, word_sums

    words = vocabulary(language, texts)
    sums, counts = word_sums(texts, {w: i for i, w in enumerate(words)}, embed(words))
    x = features(sums, counts, shipped.shrink)
    with gzip.open(MODEL_DIR / f"{language}.vectors.json.gz", "rt", encoding="utf-8") as handle:
        c = json.load(handle)["training"]["C"]
    added = (shipped.ngram_weight - 1.0) * ngram_valence
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
        fold = LogisticRegression(C=c, max_iter=3000).fit(x[train_idx], y[train_idx])
        for i, p in zip(test_idx, fold.predict_proba(x[test_idx])[:, 0]):
            added[i] += negativity_valence(p, shipped.weight, shipped.offset)
    return added


def report(name: str, y: np.ndarray, score: np.ndarray) -> dict:
    pred = np.where(score <= scorer_module.NEGATIVE_THRESHOLD, 0,
                    np.where(score >= scorer_module.POSITIVE_THRESHOLD, 2, 1))
    f1s = []
    for k in (0, 1, 2):
        tp = np.sum((pred == k) & (y == k))
        den = np.sum(pred == k) + np.sum(y == k)
        f1s.append(2 * tp / den if den else 0.0)
    tp = np.sum((pred == 0) & (y == 0))
    recall, precision = tp / max(1, np.sum(y == 0)), tp / max(1, np.sum(pred == 0))
    order = np.argsort(score, kind="stable")
    hits = np.cumsum(y[order] == 0)
    ranks = np.arange(1, len(y) + 1)
    ok = hits / ranks >= 0.60
    r_at_p = float(hits[ok].max() / np.sum(y == 0)) if ok.any() else 0.0
    out = {"negR": recall, "negP": precision, "macroF1": float(np.mean(f1s)),
           "obj": float((np.mean(f1s) + f1s[0]) / 2), "R@P.60": r_at_p}
    print(f"{name:28} neg R {recall:.3f}  neg P {precision:.3f}  macro-F1 {np.mean(f1s):.3f}  "
          f"obj {out['obj']:.3f}  R@P.60 {r_at_p:.3f}")
    return out


def cv(language: str, care: care_module.CareLayer, label: str = "cv") -> dict:
    _, y, _ = model_valences(language)
    return report(label, y, fold_scores(language, care))


def fold_scores(language: str, care: care_module.CareLayer) -> np.ndarray:
    """Each training row's score as the scorer computes it with fold models that did not see the
    row (the complaint detector left out)."""
    texts, y, valence = model_valences(language)
    scorer = scorer_module.Scorer(complaint_model=False)
    total = valence + vector_valences(language, texts, y, valence)
    for i, text in enumerate(texts):
        toks = tokens(text)
        evidence = care.evaluate(text, toks)
        if evidence.drops_model_lean:  # as the scorer: the model's lean left out
            total[i] = 0.0
        total[i] += scorer._emoticon_valence(text, toks, [])
        total[i] += sum(v for v, _ in evidence.matches)
    return np.array([round(scorer_module.normalise(v), 4) for v in total])


def dev(language: str, care: care_module.CareLayer, paths: list[Path] | None = None) -> None:
    """Full Scorer on the dev set(s) of `language` (or `paths`) with `care` as that language's
    care layer."""
    original = scorer_module.load_care_layer
    scorer_module.load_care_layer = lambda lang: care if lang == language else original(lang)
    try:
        scorer = scorer_module.Scorer()
        for path in paths if paths is not None else sorted(DEV_DIR.glob(f"*_{language}.tsv")):
            rows = read_tsv(path)
            y = np.array([LABELS.index(label) for label, _ in rows])
            score = np.array([scorer.score(t).score for _, t in rows])
            report(f"dev {path.stem}", y, score)
    finally:
        scorer_module.load_care_layer = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("--care", type=Path, help="care-layer YAML (default: the shipped one)")
    parser.add_argument("--dev", action="store_true", help="also score the development set(s)")
    parser.add_argument("--own", action="store_true", help="also score the own looked-at sets")
    parser.add_argument("--blind", action="store_true",
                        help="also score the own blind sets (once, when the file is final)")
    args = parser.parse_args()
    path = args.care or care_module.CARE_DIR / f"{args.language}.yaml"
    care = care_module._compile(path)
    cv(args.language, care, f"cv {path.name}")
    if args.dev:
        dev(args.language, care)
    if args.own:
        dev(args.language, care, sorted(OWN_DATA.glob(f"check_{args.language}_*.tsv")))
    if args.blind:
        dev(args.language, care, sorted(OWN_DATA.glob(f"heldout_{args.language}_*.tsv")))


if __name__ == "__main__":
    main()
