from __future__ import annotations

import pytest

from care_monitor.sentiment import UNKNOWN, detect_language, features


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My order arrived broken and support never answered", "en"),
        ("El pedido llegó roto y nadie contesta", "es"),
        ("La commande est arrivée cassée et personne ne répond", "fr"),
        ("Die Bestellung kam kaputt an und niemand antwortet", "de"),
        ("L'ordine è arrivato rotto e nessuno risponde", "it"),
        ("O pedido chegou quebrado e ninguém responde", "pt"),
        ("Comanda a ajuns stricată și nimeni nu răspunde", "ro"),
        ("Đơn hàng bị hỏng và không ai trả lời", "vi"),
    ],
)
def test_detects_the_team_languages(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "ok", "😀😀😀", "👍", "!!!", "123 456", "@someone http://x.co/a"])
def test_too_little_text_is_unknown(text):
    assert detect_language(text) == UNKNOWN


def test_hint_is_used_when_unsure_and_normalised():
    assert detect_language("👍", hint="pt-BR") == "pt"
    assert detect_language("👍", hint="EN_us") == "en"
    assert detect_language("👍", hint="und") == UNKNOWN


def test_hint_does_not_override_clear_text():
    assert detect_language("Vielen Dank für die schnelle Hilfe", hint="en") == "de"


def test_mixed_language_post_is_dominant_language_or_unknown():
    mixed = "hello bonjour merci thanks"
    assert detect_language(mixed) in {"en", "fr", UNKNOWN}
    assert detect_language("thanks! muchas gracias por todo, el servicio fue excelente") == "es"


def test_broken_surrogates_do_not_crash():
    assert detect_language("\ud83d my order never arrived and nobody answers") == "en"


def test_function_words_decide_without_the_detectors():
    from care_monitor.sentiment.features import tokens
    from care_monitor.sentiment.stopwords import guess

    assert guess(tokens("the parcel was not there and you did not call")) == "en"
    assert guess(tokens("il pacco non è arrivato e nessuno risponde per questo")) == "it"
    assert guess(tokens("ok")) is None  # too few function words: the detectors decide
    assert guess(tokens("thanks! muchas gracias por todo")) in (None, "es")  # never English


def test_leaning_needs_a_strict_lead():
    from care_monitor.sentiment import stopwords

    assert stopwords.leaning(["questo", "xyz"]) == "it"
    assert stopwords.leaning(["xyz", "qwerty"]) is None
    assert stopwords.leaning(["questo", "the"]) is None  # one each: no lead


@pytest.mark.parametrize(
    "text",
    ["cam on shop nhieu nhe", "sp dung dc 2 ngay da hong, ko ai ho tro", "giao hang cham qua, shop khong tra loi"],
)
def test_vietnamese_typed_without_diacritics(text):
    assert detect_language(text) == "vi"


def test_vietnamese_words_without_diacritics_do_not_claim_other_languages():
    from care_monitor.sentiment.stopwords import WORD_LANGUAGE

    # each unaccented form is in the Vietnamese list only: a word in two lists is dropped
    for word in ("khong", "duoc", "nhung", "nguoi", "cua", "roi", "nhieu", "chua"):
        assert WORD_LANGUAGE[word] == "vi"


def test_one_unambiguous_function_word_decides_when_no_other_language_has_one():
    from care_monitor.sentiment import stopwords

    toks = features.tokens("Zum Kündigen angerufen, 35 Minuten Überredungsversuche.")
    assert stopwords.guess(toks) is None  # one function word: not clear-cut by count
    assert stopwords.single_language(toks) == "de"
    assert detect_language("Zum Kündigen angerufen, 35 Minuten Überredungsversuche.") == "de"
    # "desde" is Spanish and Portuguese; English words decide nothing on their own
    assert stopwords.single_language(features.tokens("Pagamento desde o dia 3")) is None
    assert stopwords.single_language(features.tokens("ok thanks Kündigung")) is None
    # function words of two languages: not one language
    assert stopwords.single_language(features.tokens("zum Beispiel per favore")) is None


def test_seen_elsewhere_is_what_the_training_posts_show():
    """The shipped list is data that `python -m bench.function_words` regenerates."""
    from bench.function_words import seen_elsewhere
    from care_monitor.sentiment.stopwords import SEEN_ELSEWHERE

    assert sorted(SEEN_ELSEWHERE) == seen_elsewhere()
