"""The compiled per-token steps (`_speedups`, built by setup.py) against their pure-Python twins.

Each compiled function must return exactly what its twin returns (same tokens, same floats, same
cache contents), so that an install without a C compiler scores every text the same way.
"""

from __future__ import annotations

import random

import pytest

from care_monitor.sentiment import (
    care_layer,
    complaint_model,
    features,
    linear_model,
    scorer,
    stopwords,
    vader_fast,
    word_vector_model,
)
from care_monitor.sentiment.scorer import Scorer
from tests.sentiment.test_vader_fast import TEXTS as VADER_TEXTS

# characters that exercise the token rules: digits of several scripts, repeats, apostrophes,
# underscores, accents, Vietnamese, emoji with joiners, whitespace of several kinds, surrogates
ALPHABET = (
    "aaaabcdeeeéèêñçßăâîșțđơưạảấ_'-.,!?:;()@#/0123456789٣४๕ \t\n\u00a0\u2003"
    "😀😡👍🏽🤷‍♀️❤️ÀÉÎÕÜ"
)
SENTENCES = [
    "",
    "   ",
    "@united flight 1234 delayed 3hrs!!!! sooooo annoyed https://t.co/xyz #fail",
    "Nu mai suport, comanda nr. 55 nu a ajuns de 2 săptămâni",
    "Servizio pessimo, nessuno risponde... 😡😡😡😡",
    "Không ai trả lời, chờ mãi 2 tiếng",
    "l'été n'est pas fini, c'est génial",
    "GOOD but BAD, kind of nice, at least not the worst",
    "servizio" + "o" * 90 + "pessimo " + "é" * 70 + " " + "terrible" * 9,
    "😡" * 80 + " nu" + "ă" * 65,  # words longer than the compiled steps' stack buffers
    "x\ud800y",  # a lone surrogate, as some APIs send broken emoji
]


def _random_texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(count)]


TEXTS = SENTENCES + _random_texts(3000)


def test_the_compiled_steps_are_built():
    """`make install` builds them (setup.py); without them the scorer is ~2x slower."""
    try:
        from care_monitor.sentiment import _speedups  # noqa: F401
    except ImportError as error:
        pytest.fail(
            f"care_monitor.sentiment._speedups is not built ({error}): `make install` compiles it "
            "with gcc and the Python headers (setup.py); pip's output says why it could not"
        )

    assert features.split_tokens is not features._split_tokens
    assert linear_model.sum_rows is not linear_model._sum_rows
    assert linear_model.top_leans is not linear_model._top_leans
    assert not isinstance(linear_model.load_model("es")._gram_lookup, dict)  # the compact table
    assert care_layer.word_groups is not care_layer._word_groups
    assert care_layer.candidate_rules is not care_layer._candidate_rules
    assert care_layer.first_matches is not care_layer._first_matches
    assert vader_fast.score_words is not vader_fast._score_words
    assert vader_fast.vader_words is not vader_fast._vader_words
    assert scorer._without_handles is not scorer._python_without_handles
    assert stopwords.guess_language is not stopwords._guess_language
    assert word_vector_model.vector_sum is not word_vector_model._vector_sum
    assert complaint_model.pair_sum is not complaint_model._pair_sum


def test_split_tokens_equals_the_regular_expressions():
    for text in TEXTS:
        assert features.split_tokens(text) == features._split_tokens(text), repr(text)


@pytest.mark.parametrize("language", linear_model.MODEL_LANGUAGES)
def test_model_rows_and_sums_equal_the_python_twins(language):
    model = linear_model.load_model(language)
    texts = [text.replace("\ud800", "") for text in TEXTS[:1000]]
    for text in texts:
        toks = features.tokens(text)
        if not toks:
            continue
        compiled_cache, python_cache = dict(model._known), dict(model._known)
        compiled = linear_model.sum_rows(toks, compiled_cache, model._word_row, model._known, 10**6)
        python = linear_model._sum_rows(
            toks, python_cache, _python_word_row(model), model._known, 10**6
        )
        assert compiled == python, repr(text)
        assert compiled_cache == python_cache
        for tok in toks:
            if len(tok) >= 3:
                expected = linear_model._gram_weights(tok, model._grams)
                assert linear_model.gram_weights(tok, model._grams) == expected
                assert linear_model.gram_weights(tok, model._gram_lookup) == expected


def _python_word_row(model: linear_model.LinearModel):
    def make_row(tok: str) -> tuple:
        row = linear_model._word_row(
            model._unigrams, model._grams, model._bigrams, linear_model._NO_BIGRAMS,
            linear_model._reason_lean, linear_model._SURELY_WEAK, tok,
        )
        vectors = model._vector_rows
        if vectors is None:
            return row
        return (*row, vectors.get(tok), model._vector_leans.get(tok, 0.0))
    return make_row


@pytest.mark.parametrize("language", word_vector_model.VECTOR_LANGUAGES)
def test_word_vector_sums_equal_the_python_twin(language):
    model = linear_model.load_model(language)
    assert model._vector_rows is not None  # attached at load
    negation = (word_vector_model._NEGATORS, word_vector_model._CLAUSE_END,
                word_vector_model.NEGATION_SCOPE)
    negated_texts = [f"{text} non pas nicht no , {text}" for text in SENTENCES[:20]]
    found = skipped = 0
    for text in SENTENCES[:-1] + VADER_TEXTS[:300] + _random_texts(300) + negated_texts:
        toks = features.tokens(text)
        rows = list(model.score(text, toks=toks).rows)
        for args in ((rows,), (rows, toks, *negation)):
            compiled = word_vector_model.vector_sum(*args)
            python = word_vector_model._vector_sum(*args)
            assert compiled[1] == python[1], repr(text)
            assert compiled[0] == pytest.approx(python[0], abs=1e-12)
        found += compiled[1]
        skipped += word_vector_model.vector_sum(rows)[1] - compiled[1]
    assert found > 100  # the texts hold words of the model's vocabulary
    assert skipped > 20  # and negations that leave some out


def test_tokens_whose_hash_empties_the_lists_cannot_crash_vector_sum():
    code = (
        "rows = [(0j, 1, 0.0, {}, 1j) for _ in range(50)]\n"
        "class Evil(str):\n"
        "    def __hash__(self):\n"
        "        rows.clear()\n"
        "        return 1\n"
        "toks = [Evil('w%d' % i) for i in range(50)]\n"
        "try:\n"
        "    s.vector_sum(rows, toks, frozenset({'not'}), frozenset({','}), 3)\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    )
    assert _run_isolated(code) == "vector_sum: rows or toks changed size"


def test_vector_sum_refuses_rows_without_a_vector_item():
    with pytest.raises(TypeError, match="at least 5"):
        word_vector_model.vector_sum([(1j, 1, 0.0, {})])
    with pytest.raises(TypeError):
        word_vector_model.vector_sum(((1j, 1, 0.0, {}, 1j),))  # a tuple, not a list
    with pytest.raises(TypeError):
        word_vector_model.vector_sum([(1j, 1, 0.0, {}, "not a number")])
    with pytest.raises(ValueError, match="one row per token"):
        word_vector_model.vector_sum([(1j, 1, 0.0, {}, 1j)], [], frozenset(), frozenset(), 3)
    with pytest.raises(TypeError):
        word_vector_model.vector_sum([(1j, 1, 0.0, {}, 1j)], ["a"], frozenset(), frozenset(), -1)


def test_a_full_model_cache_is_reset_to_the_vocabulary_by_both():
    model = linear_model.load_model("es")
    toks = ["zzqx1", "zzqx2", "zzqx3"]
    for sum_rows in (linear_model.sum_rows, linear_model._sum_rows):
        cache = dict(model._known)
        sum_rows(toks, cache, model._word_row, model._known, len(model._known) + 1)
        # each new word after the first found the cache full: it was reset to the vocabulary
        assert set(cache) - set(model._known) == {"zzqx3"}


@pytest.mark.parametrize("language", linear_model.MODEL_LANGUAGES)
def test_top_leans_equal_the_python_twin(language):
    """The model's reasons: same tokens in the same order, both ways, every limit."""
    model = linear_model.load_model(language)
    named = 0
    for text in SENTENCES[:-1] + VADER_TEXTS[:300] + [t * 3 for t in SENTENCES[2:6]]:
        toks = features.tokens(text)
        rows = model.score(text, toks=toks, max_reasons=0).rows
        for positive in (True, False):
            for limit in (1, 3, 5):
                compiled = linear_model.top_leans(list(rows), toks, positive, limit)
                assert compiled == linear_model._top_leans(rows, toks, positive, limit), text
                named += len(compiled)
    assert named > 0


def test_top_leans_break_ties_by_token_and_name_each_token_once():
    rows = [(0j, 1, lean) for lean in (0.5, -0.5, 0.5, 0.0, 0.5, -0.7, 0.9, 0.5)]
    toks = ["bb", "x", "aa", "z", "cc", "y", "dd", "bb"]
    for top_leans in (linear_model.top_leans, linear_model._top_leans):
        assert top_leans(rows, toks, True, 4) == ("dd", "cc", "bb", "aa")
        assert top_leans(rows, toks, False, 4) == ("y", "x")


def test_top_leans_refuses_rows_without_a_float_lean():
    for rows, toks in (([(1j, 1, 0)], ["a"]), ([(1j, 1)], ["a"]), ([(1j, 1, 0.5)], [3])):
        with pytest.raises(TypeError, match="top_leans"):
            linear_model.top_leans(rows, toks, True, 3)


@pytest.mark.parametrize("language", ["it", "pt", "ro", "en"])
def test_care_word_groups_equal_the_python_twin(language):
    layer = care_layer.load_care_layer(language)
    for text in TEXTS:
        toks = features.tokens(text.replace("\ud800", ""))
        args = (layer._words, layer._stems, layer._stem_lengths, 10**6, layer._stem_starts)
        compiled_cache: dict = {}
        python_cache: dict = {}
        compiled = care_layer.word_groups(toks, compiled_cache, *args)
        assert compiled == care_layer._word_groups(toks, python_cache, *args)
        assert compiled_cache == python_cache


@pytest.mark.parametrize("language", ["en", "it", "pt", "ro", "es", "fr", "de", "vi"])
def test_care_candidate_rules_equal_the_python_twin(language):
    layer = care_layer.load_care_layer(language)
    texts = [text.replace("\ud800", "") for text in TEXTS] + [
        "@united 2nd time my flight was delayed, are you kidding me? 10/10 would not fly again",
        "#worstservice still waiting 3hrs and counting!!",
    ]
    for text in texts:
        toks = features.tokens(text)
        expected = care_layer._candidate_rules(toks, text, layer._index)
        assert care_layer.candidate_rules(toks, text, layer._rule_lookup) == expected, repr(text)


@pytest.mark.parametrize("language", ["en", "pt", "ro", "vi"])
def test_care_first_matches_equal_the_python_twin(language):
    layer = care_layer.load_care_layer(language)
    every_rule = list(range(len(layer.rules)))
    found = 0
    for text in SENTENCES[:-1] + [t.lower() for t in VADER_TEXTS[:200]]:
        compiled = care_layer.first_matches(layer._searches, every_rule, text)
        python = care_layer._first_matches(layer._searches, every_rule, text)
        assert [(n, m.span()) for n, m in compiled] == [(n, m.span()) for n, m in python]
        found += len(compiled)
    assert found > 0


@pytest.mark.parametrize("language", ["en", "it", "pt", "es", "fr", "de", "ro"])
def test_complaint_pair_sums_equal_the_python_twin(language):
    model = complaint_model.load_complaint_model(language)
    for text in TEXTS + VADER_TEXTS[:500]:
        toks = features.tokens(text)
        assert complaint_model.pair_sum(toks, model._unigrams, model._bigrams) == (
            complaint_model._pair_sum(toks, model._unigrams, model._bigrams)), text


def test_pair_sum_refuses_what_is_not_a_weight_table():
    with pytest.raises(TypeError):
        complaint_model.pair_sum(("a",), {}, {})  # a tuple, not a list
    with pytest.raises(TypeError):
        complaint_model.pair_sum(["a"], {"a": "heavy"}, {})
    with pytest.raises(TypeError, match="bigrams"):
        complaint_model.pair_sum(["a", "b"], {}, {"a": [("b", 1.0)]})
    assert complaint_model.pair_sum(["a", "b", "a"], {"a": 1.5}, {"a": {"b": 0.25}}) == 3.25


def test_a_key_whose_eq_empties_the_tokens_cannot_crash_pair_sum():
    code = (
        "class Key(str):\n"
        "    def __hash__(self):\n"
        "        return str.__hash__(self)\n"
        "    def __eq__(self, other):\n"
        "        tokens.clear()\n"
        "        return str.__eq__(self, other)\n"
        "tokens = ['a', 'b', 'c', 'd']\n"
        "print(s.pair_sum(tokens, {Key('a'): 1.0}, {Key('a'): {'b': 2.0}}))\n"
    )
    assert float(_run_isolated(code)) in (0.0, 1.0, 3.0)


def test_care_word_groups_find_the_shortest_stem():
    layer = care_layer.load_care_layer("it")
    args = (layer._words, layer._stems, layer._stem_lengths, 10**6, layer._stem_starts)
    for word_groups in (care_layer.word_groups, care_layer._word_groups):
        group = word_groups(["vergognoso", "tavolo"], {}, *args)
        assert group[0] is not None and group[0].valence < 0  # vergogn*
        assert group[1] is None


def test_handles_and_links_are_removed_as_the_regular_expression_does():
    texts = TEXTS + [
        "@united @ x a@b.c mail@united.com @_x @é", "http://a https://b.c/d?e http:// x https",
        "www. www.x wwww.y ahttp://z HTTP://UP", "@", "http://", "end www.x", "Ahttps://t.co/x",
    ]
    for text in texts:
        assert scorer._without_handles(text) == scorer._python_without_handles(text), repr(text)


def test_function_word_guesses_equal_the_python_twins():
    texts = TEXTS + [
        "the and you il che sono", "il che the", "questo the", "the the il il il il il il",
        "și în că nu the", "xyz", "",
    ]
    words = stopwords.WORD_LANGUAGE
    settings = (words, stopwords.MIN_HITS, stopwords.MIN_LEAD, stopwords.MIN_SHARE)
    for text in texts:
        toks = features.tokens(text.replace("\ud800", ""))
        guessed = stopwords._guess_language(toks, *settings)
        assert stopwords.guess_language(toks, *settings) == guessed
        leaning = stopwords._leaning_language(toks, words)
        assert stopwords.leaning_language(toks, words) == leaning


def test_vader_words_equal_the_python_twin():
    lexicon = vader_fast.FastVader().lexicon
    for text in VADER_TEXTS + TEXTS + [":) :-( a, b!! ...hi... ¿qué? «bon» --", "x\u2028y\u00a0z"]:
        assert vader_fast.vader_words(text, lexicon) == vader_fast._vader_words(text, lexicon)


def test_score_words_equals_the_python_twin(monkeypatch):
    compiled = vader_fast.FastVader()
    texts = VADER_TEXTS + [text.replace("\ud800", "") for text in TEXTS]
    expected = [compiled.polarity_scores(text) for text in texts]
    monkeypatch.setattr(vader_fast, "score_words", vader_fast._score_words)
    monkeypatch.setattr(vader_fast, "vader_words", vader_fast._vader_words)
    python = vader_fast.FastVader()
    assert [python.polarity_scores(text) for text in texts] == expected


def test_the_scorer_gives_the_same_results_without_the_compiled_steps(monkeypatch):
    texts = SENTENCES[:-1] + VADER_TEXTS[:1000]
    compiled = Scorer()
    expected = [compiled.score(text) for text in texts]
    monkeypatch.setattr(features, "split_tokens", features._split_tokens)
    monkeypatch.setattr(linear_model, "sum_rows", linear_model._sum_rows)
    monkeypatch.setattr(linear_model, "top_leans", linear_model._top_leans)
    monkeypatch.setattr(linear_model, "word_row", linear_model._word_row)
    monkeypatch.setattr(linear_model, "gram_weights", linear_model._gram_weights)
    monkeypatch.setattr(care_layer, "word_groups", care_layer._word_groups)
    monkeypatch.setattr(scorer, "_without_handles", scorer._python_without_handles)
    monkeypatch.setattr(stopwords, "guess_language", stopwords._guess_language)
    monkeypatch.setattr(stopwords, "leaning_language", stopwords._leaning_language)
    for language in ["en", *linear_model.MODEL_LANGUAGES]:
        layer = care_layer.load_care_layer(language)
        monkeypatch.setattr(layer, "_rule_lookup", layer._index)  # the table is for C only
    monkeypatch.setattr(care_layer, "candidate_rules", care_layer._candidate_rules)
    monkeypatch.setattr(care_layer, "first_matches", care_layer._first_matches)
    monkeypatch.setattr(vader_fast, "score_words", vader_fast._score_words)
    monkeypatch.setattr(vader_fast, "vader_words", vader_fast._vader_words)
    monkeypatch.setattr(word_vector_model, "vector_sum", word_vector_model._vector_sum)
    monkeypatch.setattr(complaint_model, "pair_sum", complaint_model._pair_sum)
    for language in linear_model.MODEL_LANGUAGES:
        model = linear_model.load_model(language)
        monkeypatch.setattr(model, "_gram_lookup", model._grams)  # the table is for C only
        model.clear_cache()
        care_layer.load_care_layer(language).clear_cache()
    python = Scorer()
    assert [python.score(text) for text in texts] == expected


# ---- robustness of the compiled steps (review of _speedups.c): wrong or hostile arguments must
# raise, never crash; each case runs in a child process so that a crash fails only its own test


def _run_isolated(code: str) -> str:
    """Runs `code` (with `s` the compiled module) in a child Python; its stdout, or a failure
    naming the signal when the child crashed."""
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", "from care_monitor.sentiment import _speedups as s\n" + code],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, f"child ended with {result.returncode}: {result.stderr[-2000:]}"
    return result.stdout.strip()


def test_no_function_word_at_all_is_no_guess_even_with_min_hits_zero():
    """min_hits <= 0 with no function word among the tokens read counts[0] and languages[0]
    uninitialised (a crash or a garbage object) in C, and max() of nothing in Python."""
    assert _run_isolated("print(s.guess_language(['x', 'y'], {'il': 'it'}, 0, 3.0, 0.1))") == "None"
    assert stopwords._guess_language(["x", "y"], {"il": "it"}, 0, 3.0, 0.1) is None


def test_a_malformed_rule_index_raises_type_error():
    """`further` must be a tuple (per rule) of tuples of sets: candidate_rules read anything
    else as a tuple (PyTuple_GET_SIZE on None, a frozenset, a list): a crash."""
    for further in ["(None,)", "(frozenset({'abc'}),)", "([['abc']],)", "((['abc'],),)"]:
        code = (
            f"index = (1, (0,), {{}}, (0,), {{}}, {further})\n"
            "for call in (lambda: s.candidate_rules(['abc'], 'abc', index),"
            " lambda: s.rule_table(index)):\n"
            "    try:\n"
            "        call()\n"
            "    except TypeError:\n"
            "        print('TypeError')\n"
        )
        assert _run_isolated(code) == "TypeError\nTypeError", further


_RULES = "({'good': 1.9, 'bad': -2.5}, {'very': 0.293}, frozenset({'not'}), -0.74, 0.733, IDIOMS)"


def test_score_words_with_words_that_are_not_str_raises_type_error():
    """Only lowered[i] was checked to be a str: words[i] (is_upper) and the words before it
    (is_word, negated) were read as str objects whatever they were: a crash."""
    for words, lowered in [
        ("[1, 'good']", "['x', 'good']"),
        ("['x', 'good']", "[1.5, 'good']"),
        ("['x', 'y', 'z', 'good']", "[None, 'y', 'z', 'good']"),
    ]:
        code = (
            f"words, lowered = {words}, {lowered}\n"
            "try:\n"
            f"    s.score_words(words, lowered, [1], [0, 0], True, False, {_RULES.replace('IDIOMS', 'None')})\n"
            "except TypeError:\n"
            "    print('TypeError')\n"
        )
        assert _run_isolated(code) == "TypeError", (words, lowered)


def test_an_idiom_check_that_empties_the_words_cannot_crash_score_words():
    """idiom_check(valence, lowered, i) is Python code given the list itself: the C code went
    on reading the list (and writing `sentiments`) at positions that no longer exist."""
    code = (
        "lowered = ['a', 'b', 'not', 'good', 'x']\n"
        "sentiments = [0] * 5\n"
        "def idioms(valence, words, i):\n"
        "    words.clear(); sentiments.clear()\n"
        "    return valence\n"
        "try:\n"
        "    s.score_words(list(lowered), lowered, [3], sentiments, False, True,"
        f" {_RULES.replace('IDIOMS', 'idioms')})\n"
        "    print('returned', sentiments)\n"
        "except (IndexError, RuntimeError) as error:\n"
        "    print(type(error).__name__)\n"
    )
    assert _run_isolated(code) in {"IndexError", "RuntimeError", "returned []"}


def test_a_make_row_that_empties_the_tokens_cannot_crash_sum_rows():
    """make_row is Python code: sum_rows went on reading `toks` (and the token it held only
    borrowed) at positions that no longer existed after make_row emptied the list."""
    code = (
        "toks = ['w%d' % i for i in range(50)]\n"
        "def make_row(tok):\n"
        "    toks.clear()\n"
        "    return (1j, 1, 0.0, {})\n"
        "try:\n"
        "    s.sum_rows(toks, {}, make_row, {}, 1000)\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    )
    assert _run_isolated(code) == "sum_rows: toks changed size"


def test_tokens_whose_hash_empties_the_list_cannot_crash_word_groups():
    code = (
        "class Token(str):\n"
        "    def __hash__(self):\n"
        "        tokens.clear()\n"
        "        return str.__hash__(self)\n"
        "tokens = [Token('w%d' % i) for i in range(50)]\n"
        "try:\n"
        "    s.word_groups(tokens, {}, {}, {}, (), 1000, frozenset())\n"
        "except RuntimeError as error:\n"
        "    print(error)\n"
    )
    assert _run_isolated(code) == "word_groups: tokens changed size"


def test_a_search_that_empties_the_lists_cannot_crash_first_matches():
    code = (
        "numbers = list(range(20))\n"
        "def search(text):\n"
        "    numbers.clear()\n"
        "    searches.clear()\n"
        "    return text\n"
        "searches = [search] * 20\n"
        "print(s.first_matches(searches, numbers, 'abc'))\n"
        "try:\n"
        "    s.first_matches([search], [5], 'abc')\n"
        "except IndexError as error:\n"
        "    print(error)\n"
    )
    assert _run_isolated(code).splitlines() == [
        "[(0, 'abc')]", "first_matches: rule number out of range"]
