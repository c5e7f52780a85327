"""Reading the shared sentiment data sets (../shared/data relative to the repo root)."""

from __future__ import annotations

import csv
import hashlib
import sys
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DEV_DIR = SHARED_DATA / "sentiment-dev"
TRAIN_DIR = SHARED_DATA / "sentiment-train"
OWN_DATA = REPO_ROOT / "bench" / "data"
VI_FILE = "uts2017_bank_vi_train.tsv"
LABELS = ("negative", "neutral", "positive")


def require(directory: Path) -> Path:
    if not directory.is_dir():
        sys.exit(
            f"missing data directory {directory}: the sentiment data sets live in ../shared/data "
            "beside the repository (see docs/sentiment.md)"
        )
    return directory


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a `label<TAB>text` file with a header line."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header[:2] != ["label", "text"]:
            raise ValueError(f"{path}: expected header 'label<TAB>text', found {header!r}")
        for number, row in enumerate(reader, start=2):
            if len(row) != 2 or row[0] not in LABELS:
                raise ValueError(f"{path}:{number}: expected '<label>\\t<text>' with a known label")
            rows.append((row[0], row[1]))
    return rows


def is_vi_holdout(text: str) -> bool:
    """A fixed 20 % of the Vietnamese rows, chosen by a hash of the text, never trained on."""
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 5 == 0


def train_rows(language: str) -> list[tuple[str, str]]:
    require(TRAIN_DIR)
    if language == "vi":
        banking = [row for row in read_tsv(TRAIN_DIR / VI_FILE) if not is_vi_holdout(row[1])]
        return banking + written_rows(language)
    rows: list[tuple[str, str]] = []
    for path in sorted(TRAIN_DIR.glob(f"*_{language}_train.tsv")):
        rows += read_tsv(path)
    return rows + written_rows(language)


def written_rows(language: str) -> list[tuple[str, str]]:
    """The project's own written training rows (bench/data/<language>_written_*.tsv)."""
    rows: list[tuple[str, str]] = []
    for path in sorted(OWN_DATA.glob(f"{language}_written_*.tsv")):
        rows += read_tsv(path)
    return rows


def vi_holdout_rows() -> list[tuple[str, str]]:
    return [row for row in read_tsv(require(TRAIN_DIR) / VI_FILE) if is_vi_holdout(row[1])]


def without_diacritics(text: str) -> str:
    """`text` typed without accents, as many Vietnamese users write ("đ" becomes "d")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
