"""Information questions: "can I change my flight if it gets cancelled?" names a failure that has
not happened.  Its failure words are no complaint, unlike those of a complaint question ("why is
my flight cancelled again?").

A sentence is an information question when it ends with "?" (or opens like a question), asks about a condition or a rule
("if", "in case", "what happens", "is there an", "usually", "policy"...) and carries none of the
markers of a complaint question ("why", "still", "again", "how much longer"...).  English only.
"""

from __future__ import annotations

import re

# a sentence: up to its end punctuation (or a line break); handles and links do not end one
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_ASKS_ABOUT_A_CONDITION = re.compile(
    r"\b(if|in case|what happens|what'?s the (process|policy|procedure|rule|cut ?off|deadline|"
    r"limit|allowance)|is there (an?|any)|are there any|usually|normally|typically|allowed|"
    r"policy|possible to|(where|how) (do|can|should) (i|we)|(can|could|may|should) (i|we|my|our)|"
    r"do you (have|offer|sell|accept|take|ship|allow|know|do)|does (it|the|this|your|an?) |"
    r"anyone know|how early|will (i|we) (get|be|need|have)|required|optional|do i need|affecting|"
    r"what time|what day|which (gate|terminal|day))\b"
)
# a sentence opening like a question is one even without its "?"
_QUESTION_OPENING = re.compile(
    r"^\W*(@\w+\W*)*(hi|hey|hello|quick q(uestion)?|question)?\W*(can|could|do|does|is|are|will|"
    r"would|should|what|where|when|which|how|anyone)\b"
)
_COMPLAINT_MARKERS = re.compile(
    r"\b(why|still|again|yet|seriously|really|actually|how (much )?longer|how many more|"
    r"supposed to|ever|even|never|nobody|no one|anyone there|the point|hell|wtf|waiting|"
    r"wait|hours|days|weeks|months)\b"
)


def information_question_spans(lowered: str) -> list[tuple[int, int]]:
    """Character spans of the information questions of a lower-cased text."""
    if _ASKS_ABOUT_A_CONDITION.search(lowered) is None:
        return []  # one search of the whole text: most posts ask about no condition
    spans = []
    for sentence in _SENTENCE.finditer(lowered):
        chunk = sentence.group(0)
        if (
            (chunk.rstrip().endswith("?") or _QUESTION_OPENING.match(chunk))
            and _ASKS_ABOUT_A_CONDITION.search(chunk)
            and not _COMPLAINT_MARKERS.search(chunk)
        ):
            spans.append(sentence.span())
    return spans


def only_information_questions(lowered: str) -> bool:
    """True when every sentence with a letter in it is an information question."""
    spans = information_question_spans(lowered)
    if not spans:
        return False
    rest = "".join(
        lowered[end:start] for (_, end), (start, _) in zip([(0, 0), *spans], [*spans, (len(lowered), 0)])
    )
    return not any(ch.isalpha() for ch in rest)
