"""The care layer's data format: word lists, required words, lower-case patterns, triggers."""

from __future__ import annotations

import pytest

from care_monitor.sentiment.care_layer import _compile, load_care_layer, required_words, triggers_of


def write(tmp_path, body: str):
    path = tmp_path / "xx.yaml"
    path.write_text("version: 1\nlanguage: xx\ngroups:\n" + body, encoding="utf-8")
    return path


def test_word_groups_match_words_and_stems_and_respect_negation(tmp_path):
    layer = _compile(write(tmp_path, (
        "  - name: bad\n    valence: -2.0\n    unless_negated: true\n    words: [awful, disappoint*]\n"
        "  - name: good\n    valence: 2.0\n    unless_negated: true\n    words: [great]\n"
    )))
    assert layer.evaluate("awful and disappointing").matches == ((-2.0, "awful"), (-2.0, "disappointing"))
    assert layer.evaluate("not awful at all").matches == ()  # negated blame is dropped
    assert layer.evaluate("it was not great").matches == ((-1.48, "not great"),)  # praise flips


def test_a_word_in_two_groups_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="two groups"):
        _compile(write(tmp_path, (
            "  - name: a\n    valence: -1\n    words: [meh]\n  - name: b\n    valence: 1\n    words: [meh]\n"
        )))


def test_upper_case_patterns_are_refused(tmp_path):
    with pytest.raises(ValueError, match="lower case"):
        _compile(write(tmp_path, "  - name: a\n    valence: -1\n    patterns: ['Delayed']\n"))


def test_required_words_skip_a_rule_without_changing_what_it_matches(tmp_path):
    layer = _compile(write(tmp_path, (
        "  - name: late\n    valence: -2\n    requires: [[train, bus]]\n"
        "    patterns: ['^(@\\w+ )+[^\\n]*late']\n"
    )))
    assert layer.evaluate("@rail the train is late").matches == ((-2.0, "@rail the train is late"),)
    assert layer.evaluate("@rail I am late").matches == ()  # no train or bus: skipped


def test_triggers_and_required_words_of_patterns():
    assert triggers_of("(yet )?again[?!]+|once again") == ("yet", "again", "once again")
    assert triggers_of("🙄|😡") == ("🙄", "😡")
    assert triggers_of(r"(\d+|two) times") == ("0", "two")  # tokens carry digits as 0
    assert triggers_of(r"^(@\w+ )+late|^hi there") == ("@", "hi there")  # anchored: what follows
    assert required_words("(was|is) supposed to") == (frozenset({"sup"}), frozenset({"to"}))
    assert required_words("(app|site) (is |was )?(down|crashing)") == (frozenset({"dow", "cra"}),)


def test_two_phrasings_of_one_group_on_the_same_words_count_once():
    matches = load_care_layer("en").evaluate("yet again!!").matches
    assert [reason for _, reason in matches] == ["yet again!!"]


def test_english_rule_is_a_word_boundary_match():
    layer = load_care_layer("en")
    assert layer.evaluate("my flight was delayed").matches
    assert not layer.evaluate("the undelayed flight").matches


def test_a_rule_anchored_on_a_handle_runs_only_when_the_text_has_one(tmp_path):
    layer = _compile(write(tmp_path, (
        "  - name: late\n    valence: -2\n    patterns: ['^(@\\w+ )+[^\\n]*late']\n"
    )))
    assert layer.rules[0].triggers == ("@",)
    assert layer.evaluate("@rail the train is late").matches == ((-2.0, "@rail the train is late"),)
    assert layer.evaluate("the train is late").matches == ()


def test_emoji_valence_from_vader_for_model_languages():
    from care_monitor.sentiment.care_layer import vader_emoji_valences

    valences = vader_emoji_valences()
    assert valences["😢"] < 0 < valences["😍"]  # "crying face", "smiling face with heart-eyes"
    assert "👍" not in valences  # "thumbs up": no sentiment word in VADER's lexicon
    for language in ("it", "es", "fr", "de", "pt"):
        matches = load_care_layer(language).evaluate("oggi 😢").matches
        assert matches == ((valences["😢"], "😢"),), language
    for language in ("ro", "vi", "en"):  # ro, vi: CV did not gain; en: VADER reads emoji itself
        assert not load_care_layer(language).evaluate("azi 😢").matches, language
