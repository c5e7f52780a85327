"""Romanian general lexicon (care/ro.yaml version 2): golden sentences written for this project
(complaints, praise, negation, spellings without diacritics, product reviews), each with the
label the scorer must give."""

from __future__ import annotations

import pytest

GOLDEN = [
    # complaints
    ("Comanda mea nu a ajuns nici după două săptămâni și nimeni nu răspunde la telefon", "negative"),
    ("Produsul a venit defect, vreau banii înapoi", "negative"),
    ("O adevărată țeapă, nu recomand acest magazin", "negative"),
    ("Servicii jalnice, o bătaie de joc cu clienții", "negative"),
    ("Sunt foarte dezamăgită de calitatea produsului", "negative"),
    ("Am sunat de zece ori și tot nu mi-au rezolvat problema", "negative"),
    # praise
    ("Livrare rapidă, produs impecabil, recomand cu încredere!", "positive"),
    ("Mulțumesc frumos pentru ajutor, ați fost foarte amabili", "positive"),
    ("Sunt încântat de telefon, merge perfect", "positive"),
    # negated praise and negated blame
    ("Nu sunt deloc mulțumit de serviciile voastre", "negative"),
    ("Nu recomand acest produs, nu sunt mulțumit deloc", "negative"),
    ("Nu e rău deloc, îmi place mult", "positive"),
    ("Nu a fost nicio problemă, totul a mers perfect", "positive"),
    # without diacritics, and with the cedilla letters
    ("Sunt dezamagit, produsul e de proasta calitate si nimeni nu raspunde", "negative"),
    ("Ce teapa, nasol rau, nu mai comand de la ei niciodata", "negative"),
    ("Multumesc, livrare rapida si produs excelent", "positive"),
    ("Mulţumesc, sunt foarte fericită", "positive"),
    # product reviews
    ("Aspiratorul s-a stricat după o săptămână, calitate slabă, bani aruncați", "negative"),
    ("Raport calitate-preț foarte bun, bateria ține mult, sunt foarte mulțumit", "positive"),
    ("Cartea este minunată, am citit-o cu mare plăcere", "positive"),
    ("Evitați acest magazin: taxe ascunse și produsul este diferit de cel din poze", "negative"),
]


@pytest.mark.parametrize("text,label", GOLDEN)
def test_romanian_golden_sentences(scorer, text, label):
    result = scorer.score(text, language="ro")
    assert result.language == "ro"
    assert result.label == label, result


def test_the_spellings_of_one_word_weigh_the_same(scorer):
    from care_monitor.sentiment.care_layer import load_care_layer

    care = load_care_layer("ro")
    for spelled in ("dezamăgită", "dezamăgită", "dezamagita", "ţeapă", "țeapă", "teapa"):
        assert [v for v, _ in care.evaluate(spelled).matches] == [-2.0], spelled


def test_negation_in_the_romanian_lexicon():
    """A negated praise word flips, a negated blame word is dropped; "n-a", "nicio" and "fără"
    negate like "nu", within their clause."""
    from care_monitor.sentiment.care_layer import load_care_layer

    care = load_care_layer("ro")
    assert care.evaluate("nu recomand").matches == ((-1.48, "not recomand"),)
    assert care.evaluate("n-a fost plăcut").matches == ((-1.48, "not plăcut"),)
    assert care.evaluate("nu e rău").matches == ()
    assert care.evaluate("fără probleme").matches == ()
    assert care.evaluate("nicio problemă, sunt mulțumit").matches == ((2.0, "mulțumit"),)
