"""What people's corrections say about the scorer.

A correction is a person's label for a mention; the mention keeps the scorer's own label too
(rescoring updates it, never the correction).  Side by side they show where the scorer errs in
each language, and the corrected posts make a labelled set in the bench's format
(`label<TAB>text`), so a team can measure the scorer on its own posts:

    care-monitor corrections --export var/corrections
    make bench-sentiment EXTRA="var/corrections/*.tsv"
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from care_monitor.storage.views import CorrectedMention

UNKNOWN_LANGUAGE = "und"
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def language_code(language: str | None) -> str:
    """The language's ISO 639 code as a file name may hold it ("pt-BR" -> "pt"), else "und"."""
    code = (language or "").split("-")[0].split("_")[0].strip().lower()
    return code if _LANGUAGE_CODE.fullmatch(code) else UNKNOWN_LANGUAGE


def disagreements(
    corrected: Iterable[CorrectedMention],
) -> dict[str, Counter[tuple[str, str]]]:
    """Per language: how many posts the scorer labelled X that people labelled Y."""
    found: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for mention in corrected:
        scorer = mention.scorer_label or "unscored"
        found[language_code(mention.language)][(scorer, mention.person_label)] += 1
    return dict(sorted(found.items()))


def export_sets(corrected: Iterable[CorrectedMention], directory: Path) -> dict[Path, int]:
    """Write the corrected posts as `corrections_<language>.tsv` (header `label<TAB>text`, the
    person's label, the text on one line) in `directory`; returns each file and its rows.

    Each file is written whole or not at all (a temporary file renamed into place), so an
    interrupted export never leaves half a set for the bench to read."""
    by_language: dict[str, list[CorrectedMention]] = defaultdict(list)
    for mention in corrected:
        by_language[language_code(mention.language)].append(mention)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[Path, int] = {}
    for language, mentions in sorted(by_language.items()):
        path = directory / f"corrections_{language}.tsv"
        lines = ["label\ttext"] + [
            f"{m.person_label}\t{' '.join(m.text.split())}" for m in mentions if m.text.strip()
        ]
        _write_whole(path, "\n".join(lines) + "\n")
        written[path] = len(lines) - 1
    return written


def _write_whole(path: Path, content: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
