"""Customer-care rules loaded from versioned data files (care/<language>.yaml).

Every pattern of every group is compiled on its own (case-insensitive, on word boundaries).
A pattern only runs when the text has a word starting like one of the literal words the pattern
must start with ("delay", "lost", "misplaced"...; derived from the pattern itself, indexed by
their first three letters): most posts match no rule, and a dictionary look-up per word is far
cheaper than dozens of regular-expression scans.  Every match adds its
group's valence (VADER units); the matched text becomes a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CARE_DIR = Path(__file__).resolve().parent / "care"
# a negation shortly before a matched word: a negated failure word is dropped ("wasn't
# delayed"), a negated praise word flips like in VADER ("not good")
_NEGATION_BEFORE = re.compile(
    r"\b(not|never|no|wasn'?t|isn'?t|aren'?t|weren'?t|didn'?t|hasn'?t|haven'?t|without|"
    r"nicht|kein|nie|pas|non|não|nao|nu|không|chưa|sin)\W+(\w+\W+)?$",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^\w'-]+")
_META = set("()[]{}?*+|.\\^$")
_QUANTIFIERS = set("?*{")
MAX_REASON_CHARS = 30


@dataclass(frozen=True)
class Rule:
    group: str
    valence: float
    pattern: re.Pattern[str]
    triggers: tuple[str, ...] | None  # literal starts of the pattern; None: always run
    unless_negated: bool


@dataclass(frozen=True)
class CareEvidence:
    matches: tuple[tuple[float, str], ...]  # (valence, reason) per match

    @property
    def valence(self) -> float:
        return sum(valence for valence, _ in self.matches)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(reason for _, reason in self.matches))


class CareLayer:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        # first three letters of each trigger word -> rules to try; a text's words pick candidates
        self._always = [i for i, rule in enumerate(rules) if rule.triggers is None]
        self._index: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            for trigger in rule.triggers or ():
                self._index.setdefault(trigger.split()[0][:3], []).append(i)

    def evaluate(self, text: str) -> CareEvidence:
        candidates = set(self._always)
        for word in _NON_WORD.sub(" ", text.lower()).split():
            hits = self._index.get(word[:3])
            if hits:
                candidates.update(hits)
        matches: list[tuple[float, str]] = []
        for index in sorted(candidates):
            rule = self.rules[index]
            for match in rule.pattern.finditer(text):
                reason = match.group(0).strip().lower()
                valence = rule.valence
                if rule.unless_negated and _NEGATION_BEFORE.search(text, 0, match.start()):
                    if valence < 0:  # "not delayed" is no complaint
                        continue
                    valence, reason = -0.74 * valence, f"not {reason}"  # VADER's negation factor
                if len(reason) > MAX_REASON_CHARS:  # a whole question: name the rule instead
                    reason = rule.group
                matches.append((valence, reason))
        return CareEvidence(tuple(matches))


def _split_top(pattern: str) -> list[str]:
    """Top-level alternatives of a pattern ("a|(b|c)d" -> ["a", "(b|c)d"])."""
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
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


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


def triggers_of(pattern: str) -> tuple[str, ...] | None:
    """Literal words one of which must occur for `pattern` to match; None when unknown."""
    found: list[str] = []
    for alternative in _split_top(pattern):
        if alternative.startswith("(") and not alternative.startswith("(?"):
            end = _closing(alternative, 0)
            if end < 0 or alternative[end + 1:end + 2] in _QUANTIFIERS | {"?"}:
                return None
            inner = triggers_of(alternative[1:end])
            if inner is None:
                return None
            found += inner
            continue
        prefix = ""
        for i, ch in enumerate(alternative):
            if ch in _META:
                if ch in _QUANTIFIERS and prefix:
                    prefix = prefix[:-1]
                break
            prefix += ch
        if len(prefix.strip()) < 2:
            return None
        found.append(prefix.lower())
    return tuple(dict.fromkeys(" " + _NON_WORD.sub(" ", word).lstrip() for word in found))


def _compile(path: Path) -> CareLayer:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = []
    for index, group in enumerate(data.get("groups") or []):
        try:
            valence = float(group["valence"])
            if not -4.0 <= valence <= 4.0:
                raise ValueError(f"valence {valence} outside -4..4")
            for source in group["patterns"]:
                pattern = re.compile(rf"(?<!\w)(?:{source})(?!\w)", re.IGNORECASE)
                rules.append(
                    Rule(group["name"], valence, pattern, triggers_of(source),
                         bool(group.get("unless_negated")))
                )
        except (KeyError, TypeError, ValueError, re.error) as error:
            raise ValueError(f"{path}: groups[{index}]: {error}") from None
    return CareLayer(rules)


@lru_cache(maxsize=None)
def load_care_layer(language: str) -> CareLayer:
    path = CARE_DIR / f"{language}.yaml"
    return _compile(path) if path.is_file() else CareLayer([])
