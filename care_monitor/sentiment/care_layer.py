"""Customer-care rules loaded from versioned data files (care/<language>.yaml).

Each group's patterns are compiled into one case-insensitive alternation; every match adds the
group's valence (VADER units) and the matched text becomes a reason.
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


@dataclass(frozen=True)
class RuleGroup:
    name: str
    valence: float
    pattern: re.Pattern[str]
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
    """All groups in one alternation with a named group each: one scan of the text per call."""

    def __init__(self, groups: list[RuleGroup]) -> None:
        self.groups = groups
        self._by_name = {f"g{i}": group for i, group in enumerate(groups)}
        alternation = "|".join(f"(?P<g{i}>{g.pattern.pattern})" for i, g in enumerate(groups))
        self._pattern = re.compile(alternation, re.IGNORECASE) if groups else None

    def evaluate(self, text: str) -> CareEvidence:
        if self._pattern is None:
            return CareEvidence(())
        matches: list[tuple[float, str]] = []
        for match in self._pattern.finditer(text):
            group = self._by_name[match.lastgroup]
            reason = match.group(0).strip().lower()
            valence = group.valence
            if group.unless_negated and _NEGATION_BEFORE.search(text, 0, match.start()):
                if valence < 0:  # "not delayed" is no complaint
                    continue
                valence, reason = -0.74 * valence, f"not {reason}"  # VADER's negation factor
            if len(reason) > 30:  # a whole question: name the rule instead
                reason = group.name
            matches.append((valence, reason))
        return CareEvidence(tuple(matches))


def _compile(path: Path) -> CareLayer:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = []
    for index, group in enumerate(data.get("groups") or []):
        try:
            alternation = "|".join(f"(?:{p})" for p in group["patterns"])
            pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
            valence = float(group["valence"])
        except (KeyError, TypeError, ValueError, re.error) as error:
            raise ValueError(f"{path}: groups[{index}]: {error}") from None
        if not -4.0 <= valence <= 4.0:
            raise ValueError(f"{path}: groups[{index}]: valence {valence} outside -4..4")
        groups.append(RuleGroup(group["name"], valence, pattern, bool(group.get("unless_negated"))))
    return CareLayer(groups)


@lru_cache(maxsize=None)
def load_care_layer(language: str) -> CareLayer:
    path = CARE_DIR / f"{language}.yaml"
    return _compile(path) if path.is_file() else CareLayer([])
