"""Where the scorer's time goes, per set: microseconds per post in each stage, beside VADER.

    make bench-stages        # = python -m bench.bench_stages [set name fragments...]

Stages, each timed on its own over the set's posts, best of REPEATS runs, each run from the
state of bench_sentiment (per-word caches emptied, then refilled from other texts):
tokens, language id, the trained models (n-gram + word vectors), the care layer, and the
whole scorer.  "rules/post" is how many care rules the token index lets run on a post's text
(each is one regex search); "matches/post" how many care rules and words count.  The whole
scorer is more than the sum of the stages by its own glue (reasons, normalising).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench.bench_sentiment import WARMUP_ROWS, datasets, steady_state, warmup_texts
from care_monitor.sentiment import Scorer
from care_monitor.sentiment.care_layer import candidate_rules, load_care_layer
from care_monitor.sentiment.features import tokens as tokenise
from care_monitor.sentiment.language import detect_language
from care_monitor.sentiment.linear_model import MODEL_LANGUAGES
from care_monitor.sentiment.scorer import _models

REPEATS = 5


def best_of(run: Callable[[], object], items: int, before: Callable[[], object]) -> float:
    """Best of REPEATS runs of `run` (each after `before`), in microseconds per item."""
    best = float("inf")
    for _ in range(REPEATS):
        before()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best / items * 1e6


def stage_figures(
    texts: list[str], vader, scorer: Scorer, warmup: list[str]
) -> dict[str, float]:
    toks = [tokenise(text) for text in texts]
    langs = [detect_language(text, tokens=t) for text, t in zip(texts, toks)]
    care_langs = [lang if lang in MODEL_LANGUAGES or lang == "en" else "en" for lang in langs]
    layers = [load_care_layer(lang) for lang in care_langs]
    modelled = [
        (text, t, *_models(lang)) for text, t, lang in zip(texts, toks, langs)
        if lang in MODEL_LANGUAGES
    ]

    def models() -> None:
        for text, t, model, vectors in modelled:
            result = model.score(text, toks=t, max_reasons=0)
            if vectors is not None:
                vectors.valence(t, result.rows)

    n = len(texts)
    candidates = [
        candidate_rules(t, text, layer._rule_lookup) for text, t, layer in zip(texts, toks, layers)
    ]
    matches = sum(len(layer.evaluate(t, k).matches) for t, k, layer in zip(texts, toks, layers))
    for text in texts:
        scorer.score(text)
        vader.polarity_scores(text)

    def steady() -> None:
        steady_state(scorer, warmup)

    def best_us(run: Callable[[], object]) -> float:
        return best_of(run, n, steady)

    return {
        "vader": best_us(lambda: [vader.polarity_scores(t) for t in texts]),
        "ours": best_us(lambda: [scorer.score(t) for t in texts]),
        "tokens": best_us(lambda: [tokenise(t) for t in texts]),
        "lang id": best_us(
            lambda: [detect_language(t, tokens=k) for t, k in zip(texts, toks)]),
        "models": best_us(models),
        "care": best_us(
            lambda: [layer.evaluate(t, k) for t, k, layer in zip(texts, toks, layers)]),
        "rules/post": sum(map(len, candidates)) / n,
        "matches/post": matches / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="only sets whose name holds one of these")
    args = parser.parse_args()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader, scorer = SentimentIntensityAnalyzer(), Scorer()
    warmup = warmup_texts(WARMUP_ROWS)
    columns = ("vader", "ours", "tokens", "lang id", "models", "care", "rules/post", "matches/post")
    header = f"{'set':46} {'items':>5} | " + " ".join(f"{c:>10}" for c in columns) + " | ratio"
    print("microseconds per post (ratio: VADER's time / ours = ours as a share of VADER's texts/s)")
    print(header)
    print("-" * len(header))
    for name, _language, rows in datasets():
        if args.only and not any(part in name for part in args.only):
            continue
        texts = [text for _, text in rows]
        found = stage_figures(texts, vader, scorer, warmup)
        cells = " ".join(f"{found[c]:10.1f}" for c in columns)
        print(f"{name[:46]:46} {len(texts):5} | {cells} | {found['vader'] / found['ours']:5.2f}",
              flush=True)


if __name__ == "__main__":
    main()
