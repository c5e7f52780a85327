"""Customer-care rules loaded from versioned data files (care/<language>.yaml).

A group holds `patterns` (regular expressions for phrases), `words` (single words; `stem*`
matches any word starting with the stem), or both; `requires` (lists of words, one of each
list must occur; a word stands for every word sharing its first four letters: "averia" for
"averió") lets a pattern that no literal word starts skip texts cheaply.

Every pattern is compiled on its own (case-insensitive, on word boundaries).  A pattern only
runs when the text has a token starting like one of the literal words the pattern must start
with ("delay", "lost", "misplaced"...; derived from the pattern itself, indexed by their first
six letters, or four, or the whole word if shorter), and each word it cannot match without
after that: most posts match no rule, and a look-up per token is far cheaper than dozens of
regular-expression scans.  Words are plain dictionary look-ups on the tokens.  Every
match adds its group's valence (VADER units); the matched text becomes a reason.

A file may declare `negators`: regular expressions for its language's own negation words beside
the shared ones (Romanian "niciun", "fără", the "n" of "n-a"; Vietnamese "không" but not "không
khí"), searched before a match of an `unless_negated` pattern: a negator, at most
`negation_reach` words (default 1; Vietnamese syllables want 2: "không được tốt"), then the match,
never across clause punctuation (the question "tốt không? đẹp" negates nothing).  Those that are
plain words also negate a lexicon word after them within its clause ("nicio problemă, sunt
mulțumit" does not negate "mulțumit").
A pattern may start with look-behinds ("(?<!giải )thích": not "giải thích", to explain); its
trigger words are those after them.

A group may declare `drops_model_lean: true` (patterns only, valence 0): a match says the post is
a plain question for information ("Hat die Filiale am Montag offen?"), whose words the trained
models read as negative; the scorer then leaves the model's lean out, and only the lexicon and
rule evidence count (English does the same for VADER's mild failure words: questions.py).  A
group's `unless` (one regular expression: complaint markers, "still", "why"...) found anywhere
in the post cancels the group's matches; it is searched only once a pattern of the group has
matched, so it may be long.

A file may also declare `contrast_words` (VADER's "but" rule for this evidence: matches before
the first one weigh half, after it 1.5 times), `information_questions: true` (a complaint rule
matching inside a question about a condition does not count: questions.py) and `emoji: vader`
(every single-character emoji of VADER's emoji lexicon, with the valence VADER gives its English
description, as a lexicon word: for the languages scored by a trained model, where VADER does not
run; words the file lists itself keep the file's group), `spelling_variants: ro` (every word,
stem and pattern also in the spellings Romanian posts use for it: the comma-below letters ș ț
written with a cedilla, ş ţ, and without any diacritics, "dezamăgit" -> "dezamagit"; a word the
file lists itself keeps its own group).  Patterns and negators run on the text with its cedilla
letters made comma-below ones (the same letters), in their own spelling and without diacritics:
not folded further, as "până" (until) is not "pană" (breakdown), though both are typed "pana".
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from care_monitor.sentiment import features
from care_monitor.sentiment.questions import information_question_spans

CARE_DIR = Path(__file__).resolve().parent / "care"
# a negation shortly before a matched word: a negated failure word is dropped ("wasn't
# delayed"), a negated praise word flips like in VADER ("not good")
# the shared negators before a pattern match ("wasnt" stands for "wasn't" and "wasnt"; the
# Vietnamese "không" and "chưa" are declared in care/vi.yaml, with its exceptions)
_NEGATION_BEFORE_WORDS = (
    "not never no wasnt isnt arent werent didnt hasnt havent without nicht kein nie pas non "
    "não nao nu sin"
).split()
_CONTRACTIONS = frozenset("wasnt isnt arent werent didnt hasnt havent".split())
_NEGATION_BEFORE = re.compile(
    r"\b(%s)\W+(\w+\W+)?$" % "|".join(
        f"{word[:-1]}'?t" if word in _CONTRACTIONS else word for word in _NEGATION_BEFORE_WORDS
    ),
    re.IGNORECASE,
)
# The tokens those words start ("wasn't" is wasn ' t): a text holding none of them (and no
# handle or link, which tokens mask) cannot match _NEGATION_BEFORE, so it is not searched.
_NEGATION_BEFORE_TOKENS = frozenset(_NEGATION_BEFORE_WORDS) | {
    word[:-1] for word in _CONTRACTIONS
}
# the shared negators among the tokens before a lexicon word
_NEGATORS = frozenset(
    "not never no wasnt isnt arent werent didnt hasnt havent without nicht kein keine nie pas "
    "non não nao nu không chưa sin".split()
)
# a negator, or one without its final "t" ("didn" of didn ' t, "wasn" of "wasnt" typed "wasn t")
_NEGATION_MARKS = _NEGATORS | {word[:-1] for word in _NEGATORS if word.endswith("t")}
_NEGATION_WINDOW = 40  # characters before a pattern match searched for a negation
# the word runs a match of _NEGATION_BEFORE spans at most: "wasn't" (2) and one word after it
_NEGATION_BEFORE_WORD_RUNS = 3
_LAST_WORD_RUNS: dict[int, re.Pattern[str]] = {}
# between a file's own negator and the match: no word character and no clause punctuation
_IN_CLAUSE = r"[^\w,.;:!?]+"
_NON_WORD = re.compile(r"[^\w'-]+")
_WORD_CHAR = re.compile(r"\w")
_DIGIT_RUN = re.compile(r"\d+")
_UPPER_OUTSIDE_ESCAPES = re.compile(r"(?<!\\)[A-Z]")
_META = set("()[]{}?*+|.\\^$")
_QUANTIFIERS = set("?*{")
# what may follow a word without gluing letters to it
_WORD_ENDS = re.compile(r"$|\\b|[ ')|]|\\s|\(\?!\\w\)")
# VADER's "but" rule, applied to the care evidence too: what comes before the contrast word
# weighs half, what comes after 1.5 times ("delayed, but the crew were brilliant")
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
MAX_REASON_CHARS = 30
TOKEN_CACHE_SIZE = 50_000
_UNSEEN = object()  # not in the token cache yet
_NO_STEM = object()  # no stem can start the token
# a token's index keys: its first three, four and six characters.  A trigger word of six or
# more letters is keyed by its first six, of four or five by its first four, a shorter one by
# itself: fewer rules set off per word ("delay" does not set off the rules of "deliver",
# "conta" those of "continua")
_FIRST_THREE = operator.itemgetter(slice(0, 3))
_FIRST_FOUR = operator.itemgetter(slice(0, 4))
_FIRST_SIX = operator.itemgetter(slice(0, 6))
KEY_LENGTH = 6  # the longest index key


# Romanian: ș ț (comma below, the standard letters) are often typed with a cedilla (ş ţ, older
# keyboards and fonts), and many posts drop every diacritic
_RO_COMMA = str.maketrans("şţŞŢ", "șțȘȚ")
_RO_CEDILLA = str.maketrans("șțȘȚ", "şţŞŢ")
_RO_PLAIN = str.maketrans("ăâîșțşţĂÂÎȘȚŞŢ", "aaiststAAISTST")


def romanian_spellings(text: str) -> tuple[str, ...]:
    """`text` as written, with comma-below ș ț, with cedilla ş ţ, and without diacritics."""
    comma = text.translate(_RO_COMMA)
    return tuple(dict.fromkeys(
        (text, comma, comma.translate(_RO_CEDILLA), comma.translate(_RO_PLAIN))
    ))


def romanian_comma_letters(lowered: str) -> str:
    """Lower-cased text with ş ţ (cedilla) written ș ț (comma below), letter for letter: two
    replaces, ~10x faster than str.translate on non-ASCII text; the same object when there is
    no cedilla letter."""
    if lowered.isascii():
        return lowered
    if "ş" in lowered:
        lowered = lowered.replace("ş", "ș")
    if "ţ" in lowered:
        lowered = lowered.replace("ţ", "ț")
    return lowered


_RO_PLAIN_LETTER = {"ă": "a", "â": "a", "î": "i", "ș": "s", "ț": "t"}


def romanian_either_spelling(pattern: str) -> str | None:
    """The pattern (comma-below letters) with each diacritic letter as a class of it and its
    plain letter ("în" -> "[îi]n"): one regex for the spelling with diacritics, the one without,
    and mixes; None where that would not be the same (a negated class holding one: "[^ă]")."""
    out, i, in_class, class_start, negated = [], 0, False, False, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            class_start = False
            continue
        if in_class:
            if ch == "]" and not class_start:
                in_class = False
            elif ch in _RO_PLAIN_LETTER:
                if negated:
                    return None
                ch += _RO_PLAIN_LETTER[ch]
            class_start = False
        elif ch == "[":
            in_class, class_start = True, True
            negated = pattern[i + 1:i + 2] == "^"
            if negated:
                ch, i = "[^", i + 1
        elif ch in _RO_PLAIN_LETTER:
            ch = f"[{ch}{_RO_PLAIN_LETTER[ch]}]"
        out.append(ch)
        i += 1
    return "".join(out)


def romanian_key_spellings(key: str) -> tuple[str, ...]:
    """An index key (comma-below letters) in every mix of its letters with and without
    diacritics ("înta" -> "înta", "inta"): the keys of the tokens romanian_either_spelling's
    regex can match."""
    options = [(ch, _RO_PLAIN_LETTER[ch]) if ch in _RO_PLAIN_LETTER else (ch,) for ch in key]
    return tuple(dict.fromkeys("".join(letters) for letters in itertools.product(*options)))


class SpellingFold(NamedTuple):
    """How a language's patterns meet its spellings (`spelling_variants` in a care file)."""

    fold_text: Callable[[str], str]  # lower-cased text -> patterns' letters (the same object if so)
    merge_pattern: Callable[[str], str | None]  # one regex for every spelling, or None
    key_spellings: Callable[[str], tuple[str, ...]]  # an index key in every spelling


SPELLING_VARIANTS = {"ro": romanian_spellings}
SPELLING_FOLDS = {
    "ro": SpellingFold(romanian_comma_letters, romanian_either_spelling, romanian_key_spellings)
}


@dataclass(frozen=True)
class Rule:
    group: str
    valence: float
    pattern: re.Pattern[str]
    triggers: tuple[str, ...] | None  # literal starts of the pattern; None: always run
    unless_negated: bool
    # further words the pattern cannot match without, as sets of index keys: one key of
    # each set must be among the text's tokens (a cheap check before the regex runs)
    required: tuple[frozenset[str], ...] = ()
    derived: int = 0  # how many of `required` come from the pattern (the rest: `requires`)
    drops_model_lean: bool = False  # a match drops the trained model's lean (CareEvidence)
    unless: Unless | None = None  # found anywhere in the text: the rule does not count


@dataclass(frozen=True)
class CareEvidence:
    matches: tuple[tuple[float, str], ...]  # (valence, reason) per match
    # a group with `drops_model_lean` matched (a plain question for information): the trained
    # model's lean is left out of the score, the other evidence stays
    drops_model_lean: bool = False

    @property
    def valence(self) -> float:
        return sum(valence for valence, _ in self.matches)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(reason for _, reason in self.matches))


@dataclass(frozen=True)
class WordGroup:
    group: str
    valence: float
    unless_negated: bool


_NO_EVIDENCE = CareEvidence(())  # immutable: one instance serves every text without a match
_MODEL_LEAN_DROPPED = CareEvidence((), drops_model_lean=True)


class CareLayer:
    def __init__(
        self,
        rules: list[Rule],
        words: dict[str, WordGroup] | None = None,
        stems: dict[str, WordGroup] | None = None,
        contrast_words: frozenset[str] = frozenset(),
        information_questions: bool = False,
        negators: tuple[str, ...] = (),
        negation_reach: int = 1,
        fold: Callable[[str], str] | None = None,
    ) -> None:
        """`fold`: a letter-for-letter spelling (SPELLING_FOLDS) that lower-cased texts are put
        in before the patterns (written in it) and negators run; None: the text as it is."""
        self.rules = rules
        self._fold = fold
        # the language's own negators beside the shared ones, as regular expressions (Romanian
        # "niciun", "fără", the "n" of "n-a"; Vietnamese "không" but not "không khí"): before a
        # pattern match, a negator and at most `negation_reach` words, within the clause; before
        # a lexicon word, those that are plain words, within the word's clause
        self._negators = negators
        self._negation_reach = negation_reach
        self._negation_words = frozenset(n for n in negators if re.fullmatch(r"\w+", n))
        if fold is not None:  # tokens are looked up in every spelling; the regex runs on the fold
            negators = tuple(dict.fromkeys(map(fold, negators)))
        self._negation = (
            re.compile(r"(?<!\w)(?:%s)%s(?:\w+%s){0,%d}$"
                       % ("|".join(negators), _IN_CLAUSE, _IN_CLAUSE, negation_reach))
            if negators else None
        )
        # the word runs a match of self._negation may span: the words a negator may hold (counted
        # generously: a space, \s, ' or - anywhere in it may start one more), then the reach
        self._negation_word_runs = negation_reach + 1 + max(
            (len(re.findall(r"\\s| |'|-", negator)) for negator in negators), default=0
        )
        # the words the file's negators start with ("đâu có": "đâu"), for the same token check;
        # None when one starts with no literal word (then the regex always runs)
        firsts = [
            re.match(r"\w*", _LEADING_LOOKBEHINDS.sub("", alternative)).group(0)
            for negator in negators
            for alternative in _split_top(negator)
        ]
        self._negator_tokens = frozenset(firsts) if all(firsts) else None
        # "but", "ma", "aber"...: the first one splits the text like VADER's "but" rule
        self._contrast_words = contrast_words
        contrast_spellings = set(map(fold, contrast_words)) if fold else contrast_words
        self._contrast_spellings = frozenset(contrast_spellings)  # among the folded tokens
        self._contrast = (
            re.compile(r"(?<!\w)(%s)(?!\w)" % "|".join(map(re.escape, sorted(contrast_spellings))))
            if contrast_words else None
        )
        # failure words in a question about a condition ("what if my flight is cancelled?") are
        # no complaint: questions.py
        self._information_questions = information_questions
        self._words = words or {}
        self._stems = stems or {}
        self._stem_lengths = tuple(sorted({len(stem) for stem in self._stems}))  # shortest first
        # the stems' first letters (as many as the shortest stem has): one look-up rules out
        # every stem length for most words
        self._stem_starts = frozenset(
            stem[:self._stem_lengths[0]] for stem in self._stems
        ) if self._stems else frozenset()
        self._token_cache: dict[str, WordGroup | None] = {}
        self._searches = [rule.pattern.search for rule in rules]
        # A text's index keys (first three, four and six letters of its words) pick the rules one of
        # whose trigger words they start and whose required sets they meet (candidate_rules).
        self._index = rule_index([(rule.triggers, rule.required) for rule in rules])
        self._rule_lookup = make_rule_lookup(self._index)  # as candidate_rules reads it fastest

    def evaluate(self, text: str, tokens: list[str] | None = None) -> CareEvidence:
        """Rules matching `text`; `tokens` are its lower-cased tokens (features.tokens) if known."""
        if tokens is None:
            tokens = features.tokens(text)
        matches: list[tuple[float, str]] = []
        groups = self._word_groups(tokens) if self._words or self._stems else None
        if groups and groups.count(None) != len(groups):  # most posts hold no lexicon word
            contrast_at = self._contrast_token(tokens)
            for position in itertools.compress(range(len(tokens)), groups):  # only those
                match = _word_match(
                    groups[position], tokens[position], tokens, position, self._negation_words
                )
                if match is not None:
                    if contrast_at is not None and position != contrast_at:
                        weight = BEFORE_CONTRAST if position < contrast_at else AFTER_CONTRAST
                        match = (match[0] * weight, match[1])
                    matches.append(match)
        lowered = text.lower()  # patterns are lower case: no IGNORECASE, which is slower
        text = lowered if self._fold is None else self._fold(lowered)
        if text is not lowered:  # the fold changed letters (rare): the tokens' too
            tokens = self._fold("\0".join(tokens)).split("\0")
        candidates = candidate_rules(tokens, text, self._rule_lookup)
        if not candidates:
            return CareEvidence(tuple(matches)) if matches else _NO_EVIDENCE
        questions: list[tuple[int, int]] | None = None if self._information_questions else []
        contrast = (  # the token check first: most texts hold no contrast word
            self._contrast.search(text)
            if self._contrast is not None and not self._contrast_spellings.isdisjoint(tokens)
            else None
        )
        taken: dict[str, list[tuple[int, int]]] = {}  # group -> spans already matched
        rules, searches = self.rules, self._searches
        negatable: tuple[bool, bool] | None = None  # (shared, own) negators present: once
        drops_model_lean = False
        unless_found: dict[int, bool] = {}  # a group's `unless` (by id) -> found in the text
        for number, first in first_matches(searches, candidates, text):  # in rule order
            rule = rules[number]
            if rule.drops_model_lean and drops_model_lean:
                continue  # another phrasing has said it already
            if rule.unless is not None:  # searched once a rule of its group matched, once
                cancelled = unless_found.get(id(rule.unless))
                if cancelled is None:
                    cancelled = rule.unless.found_in(text, tokens)
                    unless_found[id(rule.unless)] = cancelled
                if cancelled:
                    continue
            for match in _word_matches(rule.pattern, text, first):
                start, end = match.span()
                spans = taken.get(rule.group)
                if spans is None:
                    taken[rule.group] = [(start, end)]
                elif any(start < e and s < end for s, e in spans):
                    continue  # two phrasings of one group matching the same words count once
                else:
                    spans.append((start, end))
                reason = lowered[start:end].strip()  # the post's own spelling
                valence = rule.valence
                if rule.unless_negated:
                    if negatable is None:
                        negatable = self._negators_present(text, tokens)
                    negated = self._negated_before(text, start, negatable)
                else:
                    negated = False
                if negated:
                    if valence < 0:  # "not delayed" is no complaint
                        continue
                    valence, reason = -0.74 * valence, f"not {reason}"  # VADER's negation factor
                if valence < 0:
                    if questions is None:  # only worked out when a complaint rule matched
                        questions = information_question_spans(text)
                    if any(s <= start < e for s, e in questions):
                        continue  # "can I rebook if it gets cancelled?": nothing has failed
                if contrast is not None:
                    valence *= BEFORE_CONTRAST if start < contrast.start() else AFTER_CONTRAST
                if rule.drops_model_lean:
                    drops_model_lean = True  # no valence of its own, no reason to show
                    continue
                if len(reason) > MAX_REASON_CHARS:  # a whole question: name the rule instead
                    reason = rule.group
                matches.append((valence, reason))
        if drops_model_lean:
            return CareEvidence(tuple(matches), True) if matches else _MODEL_LEAN_DROPPED
        return CareEvidence(tuple(matches)) if matches else _NO_EVIDENCE

    def _negators_present(self, text: str, tokens: list[str]) -> tuple[bool, bool]:
        """Whether the text may hold a shared negator, and one of the file's own (a token check:
        regexes over the window are far slower); a handle or link, which tokens mask, may."""
        masked = "@" in text or "http" in text or "www." in text
        shared = masked or not _NEGATION_BEFORE_TOKENS.isdisjoint(tokens)
        own = self._negation is not None and (
            masked or self._negator_tokens is None or not self._negator_tokens.isdisjoint(tokens)
        )
        return shared, own

    def _negated_before(self, text: str, start: int, negatable: tuple[bool, bool]) -> bool:
        """A negation just before `start`: a shared one, or one of the file's own.

        Either regex must end at `start` and spans only the last few words before it, so it is
        searched from where those words begin: from the window's start, a search tries every
        position (~2 microseconds a match; this way ~0.5)."""
        window = max(0, start - _NEGATION_WINDOW)
        if negatable[0] and _NEGATION_BEFORE.search(
            text, _last_words_start(text, window, start, _NEGATION_BEFORE_WORD_RUNS), start
        ):
            return True
        return negatable[1] and self._negation.search(
            text, _last_words_start(text, window, start, self._negation_word_runs), start
        ) is not None

    def clear_cache(self) -> None:
        self._token_cache.clear()

    def _contrast_token(self, tokens: list[str]) -> int | None:
        """Index of the first contrast word among the tokens, if any."""
        if not self._contrast_words or self._contrast_words.isdisjoint(tokens):
            return None
        return next(i for i, token in enumerate(tokens) if token in self._contrast_words)

    def _word_groups(self, tokens: list[str]) -> list[WordGroup | None]:
        """Each token's lexicon group, or None; one look-up per token in C."""
        if not self._stems:  # plain words: the lexicon itself is the fastest look-up
            return list(map(self._words.get, tokens))
        return word_groups(
            tokens, self._token_cache, self._words, self._stems, self._stem_lengths,
            TOKEN_CACHE_SIZE, self._stem_starts,
        )


def _word_groups(
    tokens: list[str],
    cache: dict[str, WordGroup | None],
    words: dict[str, WordGroup],
    stems: dict[str, WordGroup],
    stem_lengths: tuple[int, ...],
    limit: int,
    stem_starts: frozenset[str] = frozenset(),
) -> list[WordGroup | None]:
    """Each token's lexicon group: the word's own, else the shortest stem it starts with, else
    None; answers cached (a cache of `limit` answers is emptied first).  `stem_starts`: the
    stems' first letters, as many as the shortest stem has; a token starting otherwise is
    looked up in no stem length (most first-seen words).  Pure-Python twin of
    `_speedups.word_groups`."""
    groups = list(map(cache.get, tokens, itertools.repeat(_UNSEEN)))
    if _UNSEEN not in groups:
        return groups
    for position, token in enumerate(tokens):
        if groups[position] is not _UNSEEN:
            continue
        found = words.get(token)
        if found is None and stem_lengths and token[:stem_lengths[0]] not in stem_starts:
            found = _NO_STEM  # no stem starts like this token
        for length in stem_lengths:
            if found is not None or length > len(token):
                break
            found = stems.get(token[:length])
        if found is _NO_STEM:
            found = None
        if len(cache) >= limit:
            cache.clear()  # keeps memory flat on endless streams
        cache[token] = groups[position] = found
    return groups


try:  # the compiled twin (setup.py builds it; optional): same groups, no Python per token
    from care_monitor.sentiment._speedups import word_groups
except ImportError:  # pragma: no cover - an install without a C compiler
    word_groups = _word_groups


class RuleIndex(NamedTuple):
    """Which rules a text's index keys (first 3 and 4 letters of its tokens) can set off."""

    rule_count: int
    always: tuple[int, ...]  # rules with no known trigger word: always candidates
    by_trigger: dict[str, tuple[int, ...]]  # key -> rules one of whose trigger words it starts
    unrequired: tuple[int, ...]  # rules with no required words
    by_required: dict[str, tuple[int, ...]]  # key -> rules whose first required set holds it
    further: tuple[tuple[frozenset[str], ...], ...]  # per rule: further required sets


def rule_index(
    rules: list[tuple[tuple[str, ...] | None, tuple[frozenset[str], ...]]],
) -> RuleIndex:
    """The index of rules given as (trigger words or None, required key sets)."""
    return RuleIndex(
        len(rules),
        always=tuple(i for i, (triggers, _) in enumerate(rules) if triggers is None),
        by_trigger=_rules_by_key(
            (_index_key(trigger), i)
            for i, (triggers, _) in enumerate(rules)
            for trigger in triggers or ()
        ),
        unrequired=tuple(i for i, (_, required) in enumerate(rules) if not required),
        by_required=_rules_by_key(
            (key, i) for i, (_, required) in enumerate(rules) if required for key in required[0]
        ),
        further=tuple(required[1:] for _, required in rules),
    )


def _rules_by_key(pairs: Iterable[tuple[str, int]]) -> dict[str, tuple[int, ...]]:
    """(index key, rule number) pairs -> each key's rule numbers."""
    found: dict[str, list[int]] = {}
    for key, number in pairs:
        found.setdefault(key, []).append(number)
    return {key: tuple(dict.fromkeys(numbers)) for key, numbers in found.items()}


def _candidate_rules(tokens: list[str], text: str, index: RuleIndex) -> list[int]:
    """Numbers (ascending) of the rules whose regex may match `text` (tokens: its tokens): set
    off by a trigger word or always run, with a word of each required set present.  "0" is
    the key of a digit run, even glued to letters ("2nd").  Pure-Python twin of
    `_speedups.candidate_rules`."""
    keys = set(map(_FIRST_THREE, tokens))
    keys.update(map(_FIRST_FOUR, tokens))
    keys.update(map(_FIRST_SIX, tokens))
    if _DIGIT_RUN.search(text):
        keys.add("0")
    triggered = set(index.always)
    met = set(index.unrequired)
    for key in keys:
        triggered.update(index.by_trigger.get(key, ()))
        met.update(index.by_required.get(key, ()))
    return [
        number for number in sorted(triggered & met)
        if not any(map(keys.isdisjoint, index.further[number]))
    ]


def _first_matches(
    searches: list[Callable[[str], re.Match[str] | None]], numbers: list[int], text: str
) -> list[tuple[int, re.Match[str]]]:
    """(number, first match) of each rule of `numbers`, in order, whose search finds one in
    `text`.  Pure-Python twin of `_speedups.first_matches`."""
    return [(n, match) for n in numbers if (match := searches[n](text)) is not None]


try:  # the compiled twins (setup.py builds them; optional): the same rules, chosen in C
    from care_monitor.sentiment._speedups import candidate_rules, first_matches
    from care_monitor.sentiment._speedups import rule_table as make_rule_lookup
except ImportError:  # pragma: no cover - an install without a C compiler
    candidate_rules, first_matches = _candidate_rules, _first_matches

    def make_rule_lookup(index: RuleIndex) -> RuleIndex:
        return index


def _last_words_start(text: str, floor: int, end: int, runs: int) -> int:
    """Where the last `runs` word runs (\\w+) before `end` begin, or `floor` if there are fewer:
    the reversed text is matched from its start, which costs only those words."""
    pattern = _LAST_WORD_RUNS.get(runs)
    if pattern is None:
        pattern = _LAST_WORD_RUNS[runs] = re.compile(rf"(?:\W*\w+){{0,{runs}}}")
    return end - pattern.match(text[floor:end][::-1]).end()


def _word_matches(
    pattern: re.Pattern[str], text: str, first: re.Match[str] | None = None
) -> list[re.Match[str]]:
    """Matches of `pattern` that start at a word boundary (`first`: pattern.search(text), if known).

    Same result as a leading (?<!\\w) in the pattern, but that look-behind stops the regex
    engine from skipping quickly to the positions where the pattern's first characters occur
    (4x slower on the English rules); the boundary is checked here instead.
    """
    found = []
    match = first if first is not None else pattern.search(text)
    while match is not None:
        start = match.start()
        if start > 0 and _WORD_CHAR.match(text, start - 1):
            match = pattern.search(text, start + 1)  # inside a word: look again after its start
            continue
        found.append(match)
        match = pattern.search(text, max(match.end(), start + 1))
    return found


def _index_key(trigger: str, longest: int = KEY_LENGTH) -> str:
    """The first six characters of the trigger's first word if it has six or more, else its
    first four, or the word if shorter (tokens split at ' and -; digit runs are "0" and letters
    repeated 4+ times 3 times in tokens); for "#word" the word's (the tokens are "#" and "word",
    and the word is the rarer of the two); a symbol's first character.  `longest=4`: at most
    four, for the words a care file's `requires` lists (written as stems: "averia" stands for
    "averió" too)."""
    word = features.shorten_like_tokens(re.match(r"#?(\w*)", trigger).group(1))
    if not word:
        return trigger[0]
    return word[:longest] if len(word) >= longest else word[:4]


# what may end a segment after its words without changing which tokens they are: an anchor, a
# word boundary, a look-ahead, a class of punctuation ("[.!]*", "[,.!]"), or an optional group
# that starts with a space ("( me)?"); optional letters glued to a word ("s?") would change it
_NON_WORD_END = re.compile(r"(\$|\\b|\(\?[!=][^()]*\)|\[[^\]\w\\]*\][?*+]?)$")


def _without_optional_tail(segment: str) -> str:
    """`segment` without what may end it after its words ("(kidding|joking)( me)?" ->
    "(kidding|joking)", "counting[.!]*$" -> "counting"): those words must still match."""
    while True:
        if segment.endswith((")?", ")*")):
            start = _opening(segment, len(segment) - 2)
            if start < 0 or segment[start + 1:start + 2] != " ":
                return segment
            segment = segment[:start]
            continue
        stripped = _NON_WORD_END.sub("", segment)
        if stripped == segment:
            return segment
        segment = stripped


def _opening(pattern: str, close_at: int) -> int:
    """Index of the "(" matching the ")" at `close_at`, or -1."""
    depth = 0
    for i in range(close_at, -1, -1):
        if pattern[i] == ")" and (i == 0 or pattern[i - 1] != "\\"):
            depth += 1
        elif pattern[i] == "(" and (i == 0 or pattern[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return i
    return -1


def _word_match(
    group: WordGroup, token: str, tokens: list[str], position: int,
    own_negators: frozenset[str] = frozenset(),
) -> tuple[float, str] | None:
    """(valence, reason) of a lexicon word; a negation among the tokens just before it acts:
    a negated praise word flips like in VADER, a negated blame word is dropped ("not bad").
    A file's own negators (`own_negators`) act within the word's clause only: "nicio problemă,
    sunt mulțumit" does not negate "mulțumit"."""
    if group.unless_negated:
        before = tokens[max(0, position - 4):position]
        # "didn't" is tokenised as didn ' t: its "didn", and the joined shapes, count too
        if (
            not _NEGATION_MARKS.isdisjoint(before)
            or ("'" in before and "n't" in "".join(before))
            or (own_negators and _own_negation(before, own_negators))
        ):
            if group.valence < 0:
                return None
            return (-0.74 * group.valence, f"not {token}")
    return (group.valence, token)


_CLAUSE_END = frozenset(",.;:!?")


def _own_negation(before: list[str], negators: frozenset[str]) -> bool:
    """One of `negators` among the tokens `before` a word, after the last punctuation mark."""
    for token in reversed(before):
        if token in _CLAUSE_END:
            return False
        if token in negators:
            return True
    return False


def _split_at_top_level(pattern: str, separator: str) -> list[str]:
    """`pattern` cut at each `separator` outside groups, classes and escapes."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == separator and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _split_top(pattern: str) -> list[str]:
    """Top-level alternatives of a pattern ("a|(b|c)d" -> ["a", "(b|c)d"])."""
    return _split_at_top_level(pattern, "|")


def _closing(pattern: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(pattern)):
        if pattern[i] == "\\":
            continue
        depth += pattern[i] == "("
        depth -= pattern[i] == ")"
        if depth == 0:
            return i
    return -1


# look-behinds, and word boundaries, before a pattern's first word: they do not change it
_LEADING_LOOKBEHINDS = re.compile(r"^(?:\(\?<[!=][^()]*\)|\\b)+")


def triggers_of(pattern: str) -> tuple[str, ...] | None:
    """Literal words one of which must occur for `pattern` to match; None when unknown."""
    found: list[str] = []
    for alternative in _split_top(pattern):
        alternative = _LEADING_LOOKBEHINDS.sub("", alternative)  # "(?<!giải )thích": "thích"
        if alternative.startswith("^"):
            alternative = alternative[1:]  # anchored at the text's start: the rest must still match
        if alternative.startswith("(") and not alternative.startswith("(?"):
            end = _closing(alternative, 0)
            if end < 0:
                return None
            inner = triggers_of(alternative[1:end])
            if inner is None:
                return None
            found += [t.strip() for t in inner]
            if alternative[end + 1:end + 2] in ("?", "*"):  # optional start: what follows may start it
                rest = triggers_of(alternative[end + 2:].lstrip())
                if rest is None:
                    return None
                found += [t.strip() for t in rest]
            elif alternative[end + 1:end + 2] == "{":
                return None
            continue
        if alternative.startswith(("\\d", "[0-9", "[1-9", "[2-9")):  # tokens carry digits as 0
            found.append("0")
            continue
        prefix = ""
        for i, ch in enumerate(alternative):
            if ch in _META:
                if ch in _QUANTIFIERS and prefix:
                    prefix = prefix[:-1]
                break
            prefix += ch
        symbol = len(prefix) == 1 and not prefix.isalnum() and not prefix.isspace()
        if len(prefix.strip()) < 2 and not symbol:  # a lone emoji is a fine trigger
            return None
        if (len(prefix) < 3 and prefix.isalpha()
                and not _WORD_ENDS.match(alternative, len(prefix))):
            return None  # "xk[eé]?": a key this short stands for a whole token, not "xké"
        if symbol:
            found.append(prefix)
            continue
        found.append(prefix.lower())
    cleaned = [_NON_WORD.sub(" ", word).strip() or word for word in found]
    if any(not word for word in cleaned):
        return None
    return tuple(dict.fromkeys(cleaned))


def _segments(alternative: str) -> list[str]:
    """Parts of one alternative separated by top-level spaces ("(a|b) c? (d )?e" -> 4 parts)."""
    return [part for part in _split_at_top_level(alternative, " ") if part]


def required_words(alternative: str) -> tuple[frozenset[str], ...]:
    """Index keys of the words after the first that one alternative cannot match without: each
    later segment's literal start (its word, or one of its group's choices)."""
    required = []
    for segment in _segments(alternative)[1:]:
        segment = _without_left_out_words(_without_optional_tail(segment))
        keys = _segment_start_keys(segment) if segment is not None else None
        if keys:
            required.append(keys)
    return tuple(required)


_OPTIONAL_LAST_LETTER = re.compile(r"[^()\[\]{}?*+|.\\^$]+\w\?")
_REPEAT = re.compile(r"[?*]|\{\d*(,\d*)?\}")


def _without_left_out_words(segment: str) -> str | None:
    """`segment` without the groups of words it may start with ("(mai )?", "(\\w+ ){0,3}"):
    what follows them starts a word (after the space before the segment or the group's own), so
    its literal start is still required.  None when a group not ending in a space may be left
    out: what follows may be glued to it ("(re)?fund") and need not start a word."""
    while segment.startswith("(") and not segment.startswith("(?"):
        end = _closing(segment, 0)
        repeat = _REPEAT.match(segment, end + 1) if end > 0 else None
        if repeat is None or repeat.end() >= len(segment):
            return segment  # a group that must match, or the whole segment: kept as it is
        if segment[end - 1] != " ":
            return None
        segment = segment[repeat.end():]
    return segment


def _segment_start_keys(segment: str) -> frozenset[str] | None:
    """Index keys one of which a text's tokens must hold for `segment` (one mandatory part of an
    alternative, between top-level spaces) to match; None when unknown.

    A key is a word's first three or four letters, which letters glued after it ("delays?",
    "shrug(s|ged)?") leave alone; a shorter key stands for the whole token, so a word of one or
    two letters counts only where it is whole: the segment is that word ("to"), a group of plain
    choices ("(e|este)"), or the word is followed by more literal text ("na fila")."""
    if not segment:
        return None
    if segment.startswith("(") and not segment.startswith("(?") and (
        _closing(segment, 0) == len(segment) - 1
    ):  # one group ending the segment: each choice ends it too
        keys: set[str] = set()
        for choice in _split_top(segment[1:-1]):
            found = _segment_start_keys(choice)
            if found is None:
                return None
            keys |= found
        return frozenset(keys)
    if not any(ch in _META for ch in segment):  # a plain literal: its first word is whole
        words = (segment,)
    elif _OPTIONAL_LAST_LETTER.fullmatch(segment):  # "hrs?": "hr" or "hrs", each whole
        words = (segment[:-2], segment[:-1])
    else:
        words = triggers_of(segment)
        if words is None:
            return None
        if any(_is_short_word(_index_key(word)) and " " not in word for word in words):
            return None  # "ab" in "ab(c|d)" may be the start of a longer token
    keys = [_index_key(_NON_WORD.sub(" ", word).strip() or word) for word in words]
    return frozenset(keys) if all(keys) else None


def _is_short_word(key: str) -> bool:
    """A key of fewer than three letters (it matches only a token that is exactly it)."""
    return len(key) < 3 and key != "0" and any(ch.isalnum() for ch in key)


# PyYAML's libyaml parser when its wheel has it (~5x faster than the pure-Python one), same data
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compile(path: Path) -> CareLayer:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    rules = []
    words: dict[str, WordGroup] = {}
    stems: dict[str, WordGroup] = {}
    spelling = data.get("spelling_variants")
    if spelling is not None and spelling not in SPELLING_VARIANTS:
        raise ValueError(f"{path}: spelling_variants: {spelling!r} (known: {sorted(SPELLING_VARIANTS)})")
    spellings = SPELLING_VARIANTS[spelling] if spelling else lambda text: (text,)
    spelling_fold = SPELLING_FOLDS.get(spelling)
    fold = spelling_fold.fold_text if spelling_fold else None
    # (target, key, group) of each word's other spellings: added once every listed word is in
    variants: list[tuple[dict[str, WordGroup], str, WordGroup]] = []
    for index, group in enumerate(data.get("groups") or []):
        try:
            valence = float(group["valence"])
            if not -4.0 <= valence <= 4.0:
                raise ValueError(f"valence {valence} outside -4..4")
            if not group.get("patterns") and not group.get("words"):
                raise ValueError("a group needs patterns or words")
            word_group = WordGroup(group["name"], valence, bool(group.get("unless_negated")))
            drops_model_lean = bool(group.get("drops_model_lean"))
            if drops_model_lean and (valence != 0.0 or group.get("words")):
                raise ValueError("a drops_model_lean group has patterns only and valence 0")
            unless = _unless(group.get("unless"), fold)
            # optional `requires`: lists of words, one word of each list must be in the text
            # (a cheap token check before the group's regexes run; the regex itself decides)
            requires = tuple(
                frozenset(_index_key(_word(word).lower(), longest=4) for word in words)
                for words in group.get("requires") or ()
            )
            for word in group.get("words") or ():
                word = _word(word).strip().lower()
                if not word or " " in word:
                    raise ValueError(f"word {word!r}: one word each (phrases go in patterns)")
                target, key = (stems, word[:-1]) if word.endswith("*") else (words, word)
                if key in target and target[key] != word_group:
                    raise ValueError(f"word {word!r} is in two groups")
                target[key] = word_group
                variants += [(target, other, word_group) for other in spellings(key)[1:]]
            for source in group.get("patterns") or ():
                if _UPPER_OUTSIDE_ESCAPES.search(source):
                    raise ValueError(f"pattern {source!r}: write patterns in lower case "
                                     "(they are matched against lower-cased text)")
                try:
                    rules += _pattern_rules(source, group["name"], valence,
                                            bool(group.get("unless_negated")), requires,
                                            spelling_fold, drops_model_lean, unless)
                except (re.error, ValueError, IndexError):
                    re.compile(source)  # a clear error for the whole pattern, if it is the pattern
                    raise
        except (KeyError, TypeError, ValueError, re.error) as error:
            raise ValueError(f"{path}: groups[{index}]: {error}") from None
    for target, key, word_group in variants:
        target.setdefault(key, word_group)  # a listed word (or an earlier group's) keeps its own
    emoji = data.get("emoji")
    if emoji not in (None, "vader"):
        raise ValueError(f"{path}: emoji: {emoji!r} (only 'vader' is known)")
    if emoji == "vader":
        for char, valence in vader_emoji_valences().items():
            words.setdefault(char, WordGroup("emoji", valence, False))
    contrast = frozenset(str(word).lower() for word in data.get("contrast_words") or ())
    # regular expressions, like patterns: lower-casing one would change "\S" into "\s"
    negators = tuple(dict.fromkeys(
        spelled for negator in data.get("negators") or ()
        for spelled in spellings(_word(negator).strip())
    ))
    for negator in negators:
        try:
            re.compile(negator)
        except re.error as error:
            raise ValueError(f"{path}: negators: {negator!r}: {error}") from None
        if _UPPER_OUTSIDE_ESCAPES.search(negator):
            raise ValueError(f"{path}: negators: {negator!r}: write negators in lower case "
                             "(they are matched against lower-cased text)")
    reach = data.get("negation_reach", 1)
    if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 3:
        raise ValueError(f"{path}: negation_reach: {reach!r} (words between a negator and the "
                         "match: 0 to 3)")
    return CareLayer(rules, words, stems, contrast, bool(data.get("information_questions")),
                     negators, reach, fold)


class Unless(NamedTuple):
    """A group's `unless`: its alternatives as rules chosen by the same token index as a care
    file's (a long list of complaint markers costs a look-up per token, not a regex scan of the
    whole post per marker)."""

    searches: list[Callable[[str], re.Match[str] | None]]
    lookup: object  # make_rule_lookup(RuleIndex)

    def found_in(self, text: str, tokens: list[str]) -> bool:
        searches = self.searches
        return any(searches[n](text) for n in candidate_rules(tokens, text, self.lookup))


def _unless(source: object, fold: Callable[[str], str] | None) -> Unless | None:
    """A group's `unless` regex (lower case; in the folded spelling, as patterns are)."""
    if source is None:
        return None
    if not isinstance(source, str) or _UPPER_OUTSIDE_ESCAPES.search(source):
        raise ValueError(f"unless {source!r}: one regular expression, in lower case")
    re.compile(source)  # a clear error for the whole expression first
    alternatives = list(dict.fromkeys(
        fold(choice) if fold else choice
        for alternative in _split_top(source)
        for choice in _all_first_word_choices(alternative)
    ))
    index = rule_index([
        (triggers_of(alternative), required_words(alternative)) for alternative in alternatives
    ])
    return Unless([re.compile(a).search for a in alternatives], make_rule_lookup(index))


def _pattern_rules(
    source: str, group: str, valence: float, unless_negated: bool,
    requires: tuple[frozenset[str], ...], spelling: SpellingFold | None,
    drops_model_lean: bool = False,
    unless: Unless | None = None,
) -> list[Rule]:
    """The rules of one pattern: one per top-level alternative and leading choice, in the
    spelling the texts are matched in."""
    fold = spelling.fold_text if spelling else None
    alternatives = dict.fromkeys(  # one rule each: finer candidate choice
        fold(choice) if fold else choice
        for alternative in _split_top(source)
        for choice in _first_word_choices(alternative)
    )
    return [
        Rule(group, valence, re.compile(rf"(?:{regex})(?!\w)"), triggers, unless_negated,
             required + requires, len(required), drops_model_lean, unless)
        for alternative in alternatives
        for regex, triggers, required in _spelled_rules(alternative, spelling)
    ]


def _spelled_rules(
    alternative: str, spelling: SpellingFold | None
) -> list[tuple[str, tuple[str, ...] | None, tuple[frozenset[str], ...]]]:
    """(regex, triggers, derived required keys) of the rules for one alternative: itself, or
    with a spelling fold one regex for every spelling, set off by the keys of every spelling
    of its words ("întârziat", "intarziat", "intârziat")."""
    plain = (alternative, triggers_of(alternative), required_words(alternative))
    if spelling is None:
        return [plain]
    merged = spelling.merge_pattern(alternative)
    if merged is None or merged == alternative:
        return [plain]  # no diacritic letter in it, or none that can be merged
    spell = spelling.key_spellings
    triggers = plain[1] and tuple(dict.fromkeys(  # only a trigger's first letters count
        variant + trigger[KEY_LENGTH:]
        for trigger in plain[1] for variant in spell(trigger[:KEY_LENGTH])
    ))
    required = tuple(frozenset(v for key in keys for v in spell(key)) for keys in plain[2])
    return [(merged, triggers, required)]


def _all_first_word_choices(alternative: str) -> list[str]:
    """_first_word_choices again on each choice, until each starts with a word or cannot be
    split: "(pour|à) quand" inside "\\b(…|(pour|à) quand)\\b" -> "\\bpour quand\\b", …"""
    choices = _first_word_choices(alternative)
    if choices == [alternative]:
        return choices
    return [deeper for choice in choices for deeper in _all_first_word_choices(choice)]


def _first_word_choices(alternative: str) -> list[str]:
    """An alternative starting with a group of choices as one alternative per choice
    ("(máy|điện thoại) nóng" -> "máy nóng", "điện thoại nóng"; "(resolv(ió|io)|\\d+ horas) x" ->
    "resolv(ió|io) x", "\\d+ horas x"): each then starts with a literal (or a digit), which the
    regex engine finds by a fast scan (a leading group is tried at every position), and is set
    off by its own first word only.  Same matches; one group's overlapping matches still count
    once.  A group with a quantifier ("(very )?late") stays whole; patterns hold no
    back-references, which splitting would renumber.  Look-behinds before the group stay before
    each choice ("(?<!\\w)(dove|come) x" -> "(?<!\\w)dove x", "(?<!\\w)come x")."""
    lookbehinds = _LEADING_LOOKBEHINDS.match(alternative)  # kept before every choice
    before = lookbehinds.group(0) if lookbehinds else ""
    alternative = alternative[len(before):]
    if not alternative.startswith("(") or alternative.startswith("(?"):
        return [before + alternative]
    end = _closing(alternative, 0)
    inner, rest = alternative[1:end], alternative[end + 1:]
    choices = _split_top(inner)
    if end < 0 or rest[:1] in ("?", "*", "+", "{") or not all(choices):
        return [before + alternative]
    # longest first: the regex took the leftmost match, so "ticket machine ate my" must claim
    # its words before "machine ate my" does (a group's overlapping matches count once)
    return [before + choice + rest for choice in sorted(choices, key=len, reverse=True)]


def _word(value: object) -> str:
    """A word from a YAML list; YAML reads a bare no, yes, on, off, true or false as a boolean."""
    if isinstance(value, bool):
        raise TypeError(f"word {value!r}: YAML read a bare word as a boolean; quote it ('no')")
    return str(value)


EMOJI_MIN_VALENCE = 0.5


@lru_cache(maxsize=None)
def vader_emoji_valences() -> dict[str, float]:
    """Single-character emoji -> the valence VADER gives its English description alone
    ("😢" "crying face" -2.1, "😍" "smiling face with heart-eyes" +2.0); |valence| < 0.5
    (descriptions without sentiment words: "thumbs up", "folded hands") left out.  VADER itself
    replaces emoji one character at a time, so longer keys of its emoji lexicon never apply."""
    from care_monitor.sentiment.vader_fast import FastVader

    vader = FastVader()
    found = {}
    for char, description in vader.emojis.items():
        if len(char) != 1:
            continue
        compound = max(-0.9999, min(0.9999, vader.compound(description)))
        valence = round(compound * (15.0 / (1.0 - compound * compound)) ** 0.5, 1)  # VADER's inverse
        if abs(valence) >= EMOJI_MIN_VALENCE:
            found[char] = valence
    return found


@lru_cache(maxsize=None)
def load_care_layer(language: str) -> CareLayer:
    path = CARE_DIR / f"{language}.yaml"
    return _compile(path) if path.is_file() else CareLayer([])
