"""The full scorer: language id, then VADER + care layer (English) or a trained model + care
layer (es, fr, de, it, pt, ro, vi), then per-brand overrides and star-rating evidence.

All evidence is summed in VADER's valence units and normalised with VADER's own function
(x / sqrt(x^2 + 15)), so a lexicon word, a care rule, a brand override and a 1-star rating
weigh on the same scale.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Iterable
from functools import lru_cache

from care_monitor.sentiment.care_layer import load_care_layer
from care_monitor.sentiment.complaint_model import Complaint, load_complaint_model
from care_monitor.sentiment.features import tokens as tokenise
from care_monitor.sentiment.language import detect_language
from care_monitor.sentiment.linear_model import MODEL_LANGUAGES, LinearModel, load_model
from care_monitor.sentiment.questions import only_information_questions
from care_monitor.sentiment.result import SentimentResult
from care_monitor.sentiment.word_vector_model import WordVectorModel, load_word_vector_model

NEGATIVE_THRESHOLD = -0.05
POSITIVE_THRESHOLD = 0.05
VADER_ALPHA = 15.0
MAX_REASONS = 4
# star rating -> valence added to the text's evidence
# the trained models are weak learners (cross-validated macro-F1 0.54-0.73): however sure a model
# is, it weighs at most this much, so explicit lexicon words and care rules can outvote it
MODEL_MAX_VALENCE = 2.5
# one failure word in VADER's lexicon ("cancelled" -1.0, "lost" -1.3, "drop" -1.1): in an
# information question it names what might happen, not what did; stronger words still count
MILD_FAILURE_VALENCE = 2.0
RATING_VALENCE = {1: -3.0, 2: -2.0, 3: 0.0, 4: 1.0, 5: 1.5}
_WORD = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)
_HANDLES_AND_LINKS = re.compile(r"(?<!\w)@\w+|https?://\S+|www\.\S+")


def label_for(score: float) -> str:
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    if score >= POSITIVE_THRESHOLD:
        return "positive"
    return "neutral"


def normalise(valence: float) -> float:
    return valence / math.sqrt(valence * valence + VADER_ALPHA)


def to_valence(score: float) -> float:
    score = max(-0.9999, min(0.9999, score))
    return score * math.sqrt(VADER_ALPHA / (1.0 - score * score))


class Scorer:
    def __init__(
        self,
        brand_lexicons: dict[str, dict[str, float]] | None = None,
        brand_terms: dict[str, list[str]] | None = None,
        complaint_model: bool = True,
    ) -> None:
        """`brand_lexicons`: per-brand valence overrides.  `brand_terms`: the words that name each
        brand (its name, its query terms): they carry no sentiment for that brand's posts, even
        when VADER's lexicon has them ("United" is +1.8 there).  `complaint_model=False` leaves
        out the complaint detectors (their training needs the scores without them)."""
        from vaderSentiment.vaderSentiment import NEGATE

        from care_monitor.sentiment.vader_fast import FastVader

        # "didn't" is tokenised as didn ' t: a lone "t" is the tail of a negation
        self._negation_tokens = frozenset(NEGATE) | {"t"}
        self._vader = FastVader()
        # VADER's emoticons (":)", ":(", "<3", ":p" ...) mean the same in every language: the
        # trained models only know those their few thousand training posts happened to hold
        self._emoticons = {
            word: valence for word, valence in self._vader.lexicon.items()
            if " " not in word and sum(ch.isalpha() for ch in word) <= 2
            and not word.isalnum() and abs(valence) >= 0.5
        }
        self._emoticon_set = frozenset(self._emoticons)
        self._use_complaint_model = complaint_model
        self._emoticon_marks, self._plain_emoticons = _emoticon_clues(self._emoticon_set)
        self._brand_words: dict[str, dict[str, float]] = {}
        self._brand_phrases: dict[str, list[tuple[re.Pattern[str], str, float]]] = {}
        self._brand_vaders = {}
        self._brand_name_words: dict[str, frozenset[str]] = {}
        brand_lexicons, brand_terms = brand_lexicons or {}, brand_terms or {}
        for brand in dict.fromkeys([*brand_lexicons, *brand_terms]):
            self._add_brand(brand, brand_lexicons.get(brand, {}), brand_terms.get(brand, ()))

    def _add_brand(self, brand: str, lexicon: dict[str, float], terms: Iterable[str] = ()) -> None:
        for word, valence in lexicon.items():
            if not -4.0 <= float(valence) <= 4.0:
                raise ValueError(f"brand {brand!r}: valence of {word!r} must be between -4 and 4")
        key = brand.lower()
        words = {w.lower(): float(v) for w, v in lexicon.items() if " " not in w.strip()}
        self._brand_words[key] = words
        self._brand_phrases[key] = [
            (re.compile(rf"(?<!\w){re.escape(w.lower())}(?!\w)", re.IGNORECASE), w.lower(), float(v))
            for w, v in lexicon.items()
            if " " in w.strip()
        ]
        name_words = {w for term in (brand, *terms) for w in _WORD.findall(term.lower())}
        self._brand_name_words[key] = frozenset(name_words)
        analyzer = copy.copy(self._vader)
        analyzer.lexicon = {
            **{w: v for w, v in self._vader.lexicon.items() if w not in name_words},
            **words,
        }
        self._brand_vaders[key] = analyzer

    def score(
        self,
        text: str,
        *,
        brand: str | None = None,
        language: str | None = None,
        rating: int | None = None,
    ) -> SentimentResult:
        if rating is not None and rating not in RATING_VALENCE:
            raise ValueError(f"rating must be 1..5, not {rating!r}")
        text = text or ""
        if not text.strip():
            lang = detect_language("", hint=language)
            valence = RATING_VALENCE.get(rating, 0.0) if rating is not None else 0.0
            score = round(normalise(valence), 4)
            return SentimentResult(label_for(score), score, lang, _leaning([], score, valence, rating))
        toks = tokenise(text)  # once, shared by language id, the model and the care layer
        lang = detect_language(text, hint=language, tokens=toks)
        key = brand.lower() if brand else None
        # the brand's own name says nothing of how a post feels about it ("Vivo" is "alive" in
        # Portuguese): the trained models, the care layer's words and the complaint detector
        # read the tokens without it, as VADER reads a lexicon without it (_add_brand)
        name_words = self._brand_name_words.get(key)
        if name_words and not name_words.isdisjoint(toks):
            toks = [tok for tok in toks if tok not in name_words]
        model, vectors = _models(lang) if lang in MODEL_LANGUAGES else (None, None)
        # reasons are (valence, text); only those leaning like the final score are kept
        reasons: list[tuple[float, str]] = []
        model_valence = 0.0
        if model is not None:
            result = model.score(text, toks=toks, max_reasons=0)  # its reasons: below, if any
            model_valence = max(-MODEL_MAX_VALENCE,
                                min(MODEL_MAX_VALENCE, to_valence(result.score)))
            if vectors is not None:  # the n-gram model's topics, tempered by the word vectors
                vector_valence = vectors.valence(toks, result.rows)
                model_valence = vectors.ngram_weight * model_valence + vector_valence
            valence = model_valence
            valence += self._brand_word_valence(key, text, reasons)
            valence += self._emoticon_valence(text, toks, reasons)
            analyzer = None
        else:
            analyzer = self._brand_vaders.get(key, self._vader)
            vader_text = _without_handles(text)
            valence = to_valence(analyzer.compound(vader_text))
            if (
                -MILD_FAILURE_VALENCE <= valence < 0
                and only_information_questions(vader_text.lower())
            ):
                valence = 0.0  # "can I rebook if it gets cancelled?": VADER's -1 for "cancelled"
        care = load_care_layer(lang if model is not None or lang == "en" else "en")
        evidence = care.evaluate(text, toks)
        if evidence.drops_model_lean:  # a plain question for information: the model's lean on
            valence -= model_valence  # its words says nothing (care_layer: drops_model_lean)
        for group_valence, reason in evidence.matches:
            valence += group_valence
            reasons.append((group_valence, reason))
        for pattern, phrase, phrase_valence in self._brand_phrases.get(key, ()):
            if pattern.search(text):
                valence += phrase_valence
                reasons.append((phrase_valence, phrase))
        rating_valence = RATING_VALENCE.get(rating, 0.0) if rating is not None else 0.0
        valence += rating_valence
        score = round(normalise(valence), 4)
        if (label_for(score) == "neutral" and self._use_complaint_model
                and not evidence.drops_model_lean):  # not a plain question for information
            complaint = self._complaint(lang, toks)
            if complaint is not None:  # a complaint in words no lexicon or rule knows
                valence = min(valence, complaint.valence)
                reasons += [(complaint.valence, word) for word in complaint.reasons]
                score = round(normalise(valence), 4)
        if analyzer is not None and abs(score) >= POSITIVE_THRESHOLD:
            reasons += self._lexicon_reasons(toks, analyzer.lexicon)
        elif (model is not None and not evidence.drops_model_lean
              and abs(score) >= POSITIVE_THRESHOLD):
            if vectors is not None and score < 0:  # the word vectors name the blame words
                if vector_valence < 0:
                    reasons += [(vector_valence, w) for w in vectors.reasons(toks, result.rows)]
            elif (result.score > 0) == (score > 0):  # only words leaning like the final score
                reasons += [(result.score, r) for r in model.reasons(toks, result.rows, result.score)]
        return SentimentResult(label_for(score), score, lang, _leaning(reasons, score, rating_valence, rating))

    @staticmethod
    def _complaint(language: str, toks: list[str]) -> Complaint | None:
        model = load_complaint_model(language)
        return model.complaint(toks) if model is not None else None

    def score_many(self, texts: Iterable[str], **kwargs):
        return [self.score(text, **kwargs) for text in texts]

    def _lexicon_reasons(self, toks: list[str], lexicon: dict[str, float]) -> list[tuple[float, str]]:
        """VADER lexicon words of the text (flipped after a negation), as reasons."""
        found: list[tuple[float, str]] = []
        valences = list(map(lexicon.get, toks))
        for i in itertools.compress(range(len(toks)), valences):  # lexicon words only, in C
            word, valence = toks[i], valences[i]
            if abs(valence) < 1.0:
                continue
            if not self._negation_tokens.isdisjoint(toks[max(0, i - 5):i]):
                valence, word = -0.74 * valence, f"not {word}"
            found.append((valence, word))
        return found

    def _emoticon_valence(
        self, text: str, toks: list[str], reasons: list[tuple[float, str]]
    ) -> float:
        """Valence of VADER's emoticons in a text scored by a trained model (each counted once)."""
        if self._emoticon_marks.isdisjoint(toks) and not any(
            map(text.lower().__contains__, self._plain_emoticons)
        ):
            return 0.0  # most texts: no emoticon can be among their words
        found = self._emoticon_set.intersection(text.split())
        total = 0.0
        for emoticon in found:
            total += self._emoticons[emoticon]
            reasons.append((self._emoticons[emoticon], emoticon))
        return total

    def _brand_word_valence(
        self, brand: str | None, text: str, reasons: list[tuple[float, str]]
    ) -> float:
        words = self._brand_words.get(brand)
        if not words:
            return 0.0
        total = 0.0
        for token in _WORD.findall(text.lower()):
            valence = words.get(token)
            if valence is not None:
                total += valence
                reasons.append((valence, token))
        return total


@lru_cache(maxsize=None)
def _models(language: str) -> tuple[LinearModel | None, WordVectorModel | None]:
    """The language's n-gram model (its word rows carry the word-vector model's, attached at
    load) and word-vector model."""
    return load_model(language), load_word_vector_model(language)


def _python_without_handles(text: str) -> str:
    """The text without @handles and links: names and addresses, not sentiment ("@united" is
    +1.8 in VADER's lexicon once VADER strips the "@").  Twin of the compiled
    `_speedups.without_handles_and_links`."""
    if "@" in text or "http" in text or "www." in text:
        return _HANDLES_AND_LINKS.sub(" ", text)
    return text


try:  # the compiled twin (setup.py builds it; optional): the same text, one pass in C
    from care_monitor.sentiment._speedups import without_handles_and_links as _without_handles
except ImportError:  # pragma: no cover - an install without a C compiler
    _without_handles = _python_without_handles


# punctuation common in plain sentences: useless as a sign that an emoticon may be present
_SENTENCE_PUNCTUATION = frozenset(".,'\"?!-@#")


def _emoticon_clues(emoticons: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """What any text holding one of `emoticons` (as a whitespace-separated word) shows.

    Most emoticons hold a mark that is rare in sentences (":", ";", "(", "<" ...); each such
    mark is a token of its own (features.tokens), so a text none of whose tokens is one of
    these marks holds none of those emoticons.  The few others ("o.O", "x-d") are looked for
    as lower-case substrings.
    """
    marks: set[str] = set()
    plain: list[str] = []
    for emoticon in emoticons:
        rare = {ch for ch in emoticon if not (ch.isalnum() or ch == "_" or ch.isspace())}
        rare -= _SENTENCE_PUNCTUATION
        if rare:
            marks |= rare
        elif emoticon.isascii():
            plain.append(emoticon.lower())
        else:  # lower-casing beyond ASCII can depend on the neighbours: always look
            return frozenset(), ("",)
    return frozenset(marks), tuple(sorted(set(plain)))


def _weakness(reason: tuple[float, str]) -> float:
    return -abs(reason[0])


def _leaning(
    reasons: list[tuple[float, str]], score: float, rating_valence: float, rating: int | None
) -> tuple[str, ...]:
    """The strongest reasons pushing the way the score leans; none for a neutral score."""
    if abs(score) < POSITIVE_THRESHOLD:
        return ()
    sign = 1.0 if score > 0 else -1.0
    picked: list[str] = [f"rating {rating}/5"] if sign * rating_valence > 0 else []
    pushing = [r for r in reasons if sign * r[0] > 0]
    if len(pushing) > 1:
        pushing.sort(key=_weakness)  # strongest first; equals keep their order
    shown_words: set[str] = set()  # words of the phrases picked so far
    for _, reason in pushing:
        words = reason.split()
        if reason in picked or (len(words) == 1 and reason in shown_words):
            continue  # "lost" says nothing "lost my luggage" has not said
        picked.append(reason)
        shown_words.update(words)
        if len(picked) == MAX_REASONS:
            break
    return tuple(picked)


