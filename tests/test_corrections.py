"""What people's corrections say about the scorer (care_monitor.corrections)."""

from __future__ import annotations

from collections import Counter

from bench.datasets import read_tsv
from care_monitor.corrections import disagreements, export_sets, language_code
from care_monitor.storage.views import CorrectedMention


def corrected(id_: int, language: str | None, scorer: str | None, person: str, text: str = "t"):
    return CorrectedMention(id_, language, scorer, person, text)


def test_language_codes_fit_a_file_name():
    assert language_code("pt-BR") == "pt"
    assert language_code("EN") == "en"
    assert language_code(None) == "und"
    assert language_code("../../etc") == "und"
    assert language_code("x") == "und"


def test_disagreements_count_scorer_against_person_per_language():
    found = disagreements([
        corrected(1, "pt", "negative", "neutral"),
        corrected(2, "pt-BR", "negative", "neutral"),
        corrected(3, "pt", "neutral", "negative"),
        corrected(4, None, None, "positive"),
    ])
    assert list(found) == ["pt", "und"]
    assert found["pt"] == Counter({("negative", "neutral"): 2, ("neutral", "negative"): 1})
    assert found["und"] == Counter({("unscored", "positive"): 1})


def test_export_writes_one_bench_set_per_language(tmp_path):
    written = export_sets([
        corrected(1, "pt", "neutral", "negative", "Pedido\tparado\nhá 3 semanas"),
        corrected(2, "it", "negative", "positive", "Non è affatto male"),
        corrected(3, "pt", "negative", "neutral", "Qual o horário?"),
        corrected(4, "pt", "negative", "neutral", "   "),
    ], tmp_path / "sets")
    assert written == {tmp_path / "sets" / "corrections_it.tsv": 1,
                       tmp_path / "sets" / "corrections_pt.tsv": 2}
    assert read_tsv(tmp_path / "sets" / "corrections_pt.tsv") == [
        ("negative", "Pedido parado há 3 semanas"), ("neutral", "Qual o horário?")]
    assert sorted(p.name for p in (tmp_path / "sets").iterdir()) == [
        "corrections_it.tsv", "corrections_pt.tsv"]  # no temporary file left behind


def test_export_replaces_an_earlier_set_whole(tmp_path):
    export_sets([corrected(1, "it", "negative", "positive", "uno")], tmp_path)
    export_sets([corrected(1, "it", "negative", "neutral", "due")], tmp_path)
    assert read_tsv(tmp_path / "corrections_it.tsv") == [("neutral", "due")]
