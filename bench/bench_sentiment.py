"""Benchmark the care-monitor scorer against plain VADER on every development set.

    make bench-sentiment        # = python -m bench.bench_sentiment
    make bench-sentiment EXTRA="var/corrections/*.tsv"   # a team's own labelled posts only

For each set: items, negative recall and precision, 3-class macro-F1 and texts/s, for plain
vaderSentiment (compound <= -0.05 negative, >= 0.05 positive) and for the full scorer, in the
same run on the same texts.  The scorer gets no language hint: it detects the language itself
(the "lang ok" column is the share detected as the set's language).  No network is needed.

Throughput is measured fairly: both methods are warmed up on the set first, then timed
REPEATS times, interleaved (vader, ours, vader, ours ...), and each method's best run counts.
The scorer keeps bounded per-word caches; before each timed run of ours they are emptied and
refilled by scoring WARMUP_ROWS training rows per language (not timed), i.e. the state of a
long-running stream: common words cached, the set's own rarer words not.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.datasets import (
    DEV_DIR,
    LABELS,
    read_tsv,
    require,
    train_rows,
    vi_holdout_rows,
    without_diacritics,
)
from care_monitor.corrections import language_code
from care_monitor.sentiment import Scorer, label_for
from care_monitor.sentiment.care_layer import load_care_layer
from care_monitor.sentiment.linear_model import MODEL_LANGUAGES, load_model

DATA = Path(__file__).resolve().parent / "data"
# the project's own written posts to brands: complaints_<lang>_* train each language's complaint
# detector (bench/data/README.md)
OWN_TRAINING_SETS = sorted(DATA.glob("complaints_*.tsv"))
OWN_HELDOUT_SETS = sorted(DATA.glob("heldout_complaints_en_*.tsv"))
# the own sets in other languages: check_<lang>_* were read while tuning, heldout_<lang>_* never
OWN_CHECK_SETS = sorted(DATA.glob("check_*.tsv"))
OWN_BLIND_SETS = sorted(p for p in DATA.glob("heldout_*.tsv") if p not in OWN_HELDOUT_SETS)
# public sets copied with their attribution (bench/data/README.md); measured, never tuned on
REVIEW_SETS = sorted(DATA.glob("reviews_en_*.tsv"))
REPEATS = 7
WARMUP_ROWS = 300


@dataclass
class Figures:
    items: int
    neg_recall: float
    neg_precision: float
    macro_f1: float
    texts_per_s: float


def figures(gold: list[str], predicted: list[str], seconds: float) -> Figures:
    f1s = []
    recall = precision = 0.0
    for label in LABELS:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        n_gold = gold.count(label)
        n_pred = predicted.count(label)
        r = tp / n_gold if n_gold else 0.0
        p = tp / n_pred if n_pred else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        if label == "negative":
            recall, precision = r, p
    return Figures(len(gold), recall, precision, sum(f1s) / 3, len(gold) / max(seconds, 1e-9))


def extra_sets(paths: list[Path]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Labelled sets given on the command line (`care-monitor corrections --export` writes
    them); the language is the file name's last part ("corrections_pt.tsv": pt)."""
    sets = []
    for path in paths:
        if not path.is_file():
            sys.exit(f"no such set: {path}")
        language = language_code(path.stem.rsplit("_", 1)[-1])
        sets.append((f"{path.stem} (EXTRA)", language, read_tsv(path)))
    return sets


def datasets() -> list[tuple[str, str, list[tuple[str, str]]]]:
    sets = []
    for path in sorted(require(DEV_DIR).glob("*.tsv")):
        language = path.stem.rsplit("_", 1)[-1]
        sets.append((path.stem, language, read_tsv(path)))
    sets.append(("uts2017_bank_vi (HELD-OUT 20% of train set)", "vi", vi_holdout_rows()))
    sets.append(("uts2017_bank_vi HELD-OUT, no diacritics", "vi",
                 [(label, without_diacritics(text)) for label, text in vi_holdout_rows()]))
    for path in OWN_TRAINING_SETS:
        sets.append((f"{path.stem} (OWN, trained on)", path.stem.split("_")[1], read_tsv(path)))
    for path in OWN_HELDOUT_SETS:
        sets.append((f"{path.stem} (OWN, blind)", "en", read_tsv(path)))
    for path in OWN_CHECK_SETS:
        sets.append((f"{path.stem} (OWN, looked at)", path.stem.split("_")[1], read_tsv(path)))
    for path in OWN_BLIND_SETS:
        sets.append((f"{path.stem} (OWN, blind)", path.stem.split("_")[1], read_tsv(path)))
    for path in REVIEW_SETS:
        sets.append((f"{path.stem} (check only)", "en", read_tsv(path)))
    return sets


def warmup_texts(rows: int) -> list[str]:
    texts = []
    for language in ("en", *MODEL_LANGUAGES):
        texts += [text for _, text in train_rows(language)[:rows]]
    return texts


def steady_state(scorer: Scorer, warmup: list[str]) -> None:
    """Empty the per-word caches, then fill them from other texts, as on a long stream."""
    for language in ("en", *MODEL_LANGUAGES):
        load_care_layer(language).clear_cache()
        model = load_model(language)
        if model is not None:
            model.clear_cache()
    for text in warmup:
        scorer.score(text)


def best_seconds(vader, scorer, texts: list[str], warmup: list[str]) -> tuple[float, float]:
    """Best of REPEATS interleaved timed runs per method, after one warm-up run of each."""
    for text in texts:
        vader.polarity_scores(text)
        scorer.score(text)
    vader_best = ours_best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for text in texts:
            vader.polarity_scores(text)
        vader_best = min(vader_best, time.perf_counter() - start)
        steady_state(scorer, warmup)
        start = time.perf_counter()
        for text in texts:
            scorer.score(text)
        ours_best = min(ours_best, time.perf_counter() - start)
    return vader_best, ours_best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup-rows", type=int, default=WARMUP_ROWS,
                        help="training rows per language scored before each timed run of ours "
                             f"(default {WARMUP_ROWS}; more = a longer-running stream)")
    parser.add_argument("only", nargs="*", help="only the sets whose name holds one of these")
    parser.add_argument("--extra", nargs="+", type=Path, default=[], metavar="TSV",
                        help="score these label<TAB>text files instead of the project's sets "
                             "(e.g. care-monitor corrections --export); no shared data needed")
    args = parser.parse_args()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    scorer = Scorer()
    for language in MODEL_LANGUAGES:  # load everything before timing
        load_model(language)
    scorer.score("warm up the language detector")
    sets = extra_sets(args.extra) if args.extra else datasets()
    # without the shared data (a team's own sets), the sets themselves fill the caches
    warmup = ([text for _, _, rows in sets for _, text in rows[:args.warmup_rows]]
              if args.extra else warmup_texts(args.warmup_rows))
    header = (
        f"{'set':46} {'lang':4} {'items':>5} | {'method':6} {'neg R':>6} {'neg P':>6} "
        f"{'macroF1':>7} {'texts/s':>8} | {'lang ok':>7}"
    )
    print(header)
    print("-" * len(header))
    totals = {"items": 0, "vader_s": 0.0, "ours_s": 0.0}
    for name, language, rows in sets:
        if args.only and not any(part in name for part in args.only):
            continue
        if not rows:
            print(f"{name[:46]:46} {language:4} {0:>5} | (no rows)")
            continue
        gold = [label for label, _ in rows]
        texts = [text for _, text in rows]
        vader_labels = [label_for(vader.polarity_scores(t)["compound"]) for t in texts]
        results = [scorer.score(t) for t in texts]
        vader_s, ours_s = best_seconds(vader, scorer, texts, warmup)
        totals["items"] += len(texts)
        totals["vader_s"] += vader_s
        totals["ours_s"] += ours_s
        vader_fig = figures(gold, vader_labels, vader_s)
        ours_fig = figures(gold, [r.label for r in results], ours_s)
        lang_ok = sum(r.language == language for r in results) / len(results)
        for method, fig in (("vader", vader_fig), ("ours", ours_fig)):
            tail = f"{lang_ok:7.2f}" if method == "ours" else ""
            print(
                f"{name if method == 'vader' else '':46} {language if method == 'vader' else '':4} "
                f"{fig.items if method == 'vader' else '':>5} | {method:6} {fig.neg_recall:6.2f} "
                f"{fig.neg_precision:6.2f} {fig.macro_f1:7.3f} {fig.texts_per_s:8.0f} | {tail:>7}"
            )
        print(f"{'':46} {'':4} {'':>5} | {'ratio':6} {'':6} {'':6} {'':7} "
              f"{ours_fig.texts_per_s / vader_fig.texts_per_s:8.2f} |")
    print("-" * len(header))
    if not totals["items"]:
        return
    vader_rate = totals["items"] / totals["vader_s"]
    ours_rate = totals["items"] / totals["ours_s"]
    print(f"{'all sets (every text once)':46} {'':4} {totals['items']:>5} | {'vader':6} {'':6} {'':6} "
          f"{'':7} {vader_rate:8.0f} |")
    print(f"{'':46} {'':4} {'':>5} | {'ours':6} {'':6} {'':6} {'':7} {ours_rate:8.0f} |")
    print(f"{'':46} {'':4} {'':>5} | {'ratio':6} {'':6} {'':6} {'':7} {ours_rate / vader_rate:8.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
