"""The care layer's data format: word lists, required words, lower-case patterns, triggers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from care_monitor.sentiment.features import tokens as tokenise
from care_monitor.sentiment.care_layer import (
    CareLayer,
    _compile,
    load_care_layer,
    required_words,
    triggers_of,
)


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


def test_a_bare_yaml_boolean_word_is_refused(tmp_path):
    # YAML reads a bare `no` as False: the rule would silently require "false"
    with pytest.raises(ValueError, match="quote it"):
        _compile(write(tmp_path, "  - name: x\n    valence: -1\n    requires: [[no]]\n    patterns: [a b]\n"))
    with pytest.raises(ValueError, match="quote it"):
        _compile(write(tmp_path, "  - name: x\n    valence: -1\n    words: [off]\n"))


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
    assert triggers_of("(?<!giải )(?<!chú )thích") == ("thích",)  # look-behinds first: the word
    # a trigger under three letters is a whole token: none when letters may be glued to it
    assert triggers_of(r"xk\b|ok") == ("xk", "ok")
    assert triggers_of(r"xk[eé]?\b") is None
    assert required_words("(was|is) supposed to") == (frozenset({"suppos"}), frozenset({"to"}))
    assert required_words("(app|site) (is |was )?(down|crashing)") == (frozenset({"down", "crashi"}),)
    # what may end a segment after its words still leaves the words required
    assert required_words("are you (kidding|joking)( me)?") == (
        frozenset({"you"}), frozenset({"kiddin", "joking"}))
    assert required_words("and counting[.!]*$") == (frozenset({"counti"}),)
    assert required_words("oh sure[,.!]") == (frozenset({"sure"}),)
    # a key is a word's first 4 or 6 letters: letters glued after them leave it alone
    assert required_words("just shrug(s|ged)?") == (frozenset({"shru"}),)
    assert required_words("more delays?") == (frozenset({"dela", "delays"}),)
    # a segment's literal start, whatever follows it
    assert required_words(r"que beleza(,| hein)[^!?]{0,80}(atras|cancel)") == (
        frozenset({"beleza"}),)
    assert required_words(r"em (20\d\d)\?") == (frozenset({"0"}),)  # a digit run
    # a word of one or two letters only where it is a whole token
    assert required_words("nu (e|este) ok") == (frozenset({"e", "este"}), frozenset({"ok"}))
    assert required_words(r"(\d+|uma) (horas?|h|dias) (na fila|esperando)") == (
        frozenset({"hora", "h", "dias"}), frozenset({"na", "espera"}))
    assert required_words("de ab(c|d)") == ()  # "ab" may start a longer token
    # words that may come first ("(\w+ ){0,2}", "(mai )?") leave what follows a word start;
    # letters that may come first ("(re)?fund") do not
    assert required_words(r"late (\w+ ){0,2}(na|de)") == (frozenset({"na", "de"}),)
    assert required_words(r"x (mai )?(ajuns|venit)") == (frozenset({"ajun", "veni"}),)
    assert required_words(r"x (re)?fund") == ()
    assert required_words(r"x (\w+ )+y") == ()
    assert required_words(r"\d+ (hrs?|h)") == (frozenset({"hr", "hrs", "h"}),)  # whole words


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


# the shared training sets (../shared beside the repository, as in CI): each language's own posts
TRAIN_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "sentiment-train"
BENCH_TEXT_SETS = sorted((Path(__file__).resolve().parents[2] / "bench" / "data").glob("*.tsv"))


@pytest.mark.parametrize("language", ["en", "it", "pt", "ro", "es", "fr", "de", "vi"])
def test_candidate_choice_never_changes_what_matches(language):
    """Triggers and the required words derived from a pattern only skip regexes that cannot
    match: running every rule (with only the `requires` its YAML declares) gives the same
    evidence on every text."""
    layer = load_care_layer(language)
    every_rule = CareLayer(
        [
            dataclasses.replace(rule, triggers=None, required=_declared(rule))
            for rule in layer.rules
        ],
        layer._words, layer._stems, layer._contrast_words, layer._information_questions,
        negators=layer._negators, negation_reach=layer._negation_reach, fold=layer._fold,
    )
    texts = [
        line.split("\t", 1)[-1]
        for path in [*BENCH_TEXT_SETS, *sorted(TRAIN_DIR.glob(f"*_{language}_train.tsv"))]
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
    ]
    texts += ["are you kidding me", "and counting!!", "#worstservice ever", "oh sure, thanks"]
    assert len(texts) > 1500
    differing = [t for t in texts if layer.evaluate(t) != every_rule.evaluate(t)]
    assert differing == []
    # a group's `unless` picks its alternatives by the same index: none it skips would match
    for unless in {id(rule.unless): rule.unless for rule in layer.rules if rule.unless}.values():
        for text in texts:
            lowered = text.lower() if layer._fold is None else layer._fold(text.lower())
            toks = tokenise(lowered)
            assert unless.found_in(lowered, toks) == any(s(lowered) for s in unless.searches), text


def _declared(rule):
    """The rule's `requires` from the YAML: what follows the ones derived from its pattern."""
    return rule.required[rule.derived:]


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


def test_romanian_spelling_variants(tmp_path):
    """`spelling_variants: ro`: words, stems and patterns also match with cedilla letters and
    without diacritics; a word the file lists itself keeps its own group."""
    path = tmp_path / "xx.yaml"
    path.write_text(
        "version: 1\nlanguage: xx\nspelling_variants: ro\ngroups:\n"
        "  - name: bad\n    valence: -2.0\n    words: [dezamăgi*, urât, țeapă]\n"
        "    patterns: ['bătaie de joc']\n"
        "  - name: other word\n    valence: 0.0\n    words: [urat]\n",
        encoding="utf-8",
    )
    layer = _compile(path)
    for text in ("dezamăgită", "dezamagita", "o ţeapă", "o teapa", "o țeapă"):
        assert [v for v, _ in layer.evaluate(text).matches] == [-2.0], text
    for text in ("bătaie de joc", "bataie de joc"):
        assert layer.evaluate(text).matches == ((-2.0, text),)
    assert layer.evaluate("urât").matches == ((-2.0, "urât"),)
    assert layer.evaluate("i-am urat noroc").matches == ((0.0, "urat"),)  # "wished", listed itself


def test_unknown_spelling_variants_are_an_error(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text("version: 1\nlanguage: xx\nspelling_variants: xx\ngroups: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="spelling_variants"):
        _compile(path)


def test_a_file_adds_its_own_negators(tmp_path):
    """`negators`: this language's negators beside the shared ones, for words and patterns."""
    body = (
        "groups:\n"
        "  - name: bad\n    valence: -1.0\n    unless_negated: true\n    words: [problem*]\n"
        "  - name: good\n    valence: 2.0\n    unless_negated: true\n    words: [bun]\n"
        "    patterns: ['recomand cu încredere']\n"
    )
    path = tmp_path / "xx.yaml"
    path.write_text("version: 1\nlanguage: xx\nspelling_variants: ro\n"
                    "negators: [nicio, fără, n]\n" + body, encoding="utf-8")
    layer = _compile(path)
    assert layer.evaluate("nicio problemă").matches == ()
    assert layer.evaluate("fara probleme").matches == ()  # the negators' spellings too
    assert layer.evaluate("n-a fost bun").matches == ((-1.48, "not bun"),)
    assert layer.evaluate("n-o recomand cu încredere").matches == (
        (-1.48, "not recomand cu încredere"),
    )
    assert layer.evaluate("o problemă").matches == ((-1.0, "problemă"),)
    # a file's own negators act within the clause: "no problem, it is good" negates nothing
    assert layer.evaluate("nicio problemă, e bun").matches == ((2.0, "bun"),)
    plain = tmp_path / "yy.yaml"
    plain.write_text("version: 1\nlanguage: xx\n" + body, encoding="utf-8")
    assert _compile(plain).evaluate("nicio problemă").matches == ((-1.0, "problemă"),)


def test_a_leading_group_becomes_one_rule_per_choice(tmp_path):
    layer = _compile(write(tmp_path, (
        "  - name: hot\n    valence: -2\n"
        "    patterns: ['(máy|điện thoại) (bị )?nóng|(a|b)?c']\n"
    )))
    patterns = [rule.pattern.pattern for rule in layer.rules]
    # longest choice first, as the regex's leftmost match would claim the words; an optional
    # group stays whole
    assert patterns == [r"(?:điện thoại (bị )?nóng)(?!\w)", r"(?:máy (bị )?nóng)(?!\w)",
                        r"(?:(a|b)?c)(?!\w)"]
    assert layer.evaluate("máy bị nóng").matches == ((-2.0, "máy bị nóng"),)
    en = load_care_layer("en")
    assert "ticket machine ate my" in en.evaluate("@rail ticket machine ate my card").reasons


def test_a_files_own_negators_act_across_spaces_only(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text(
        "version: 1\nnegators: ['không(?!\\s+những\\b)', ko]\nnegation_reach: 2\ngroups:\n"
        "  - name: good\n    valence: 2\n    unless_negated: true\n    patterns: [tốt]\n",
        encoding="utf-8",
    )
    layer = _compile(path)
    assert layer.evaluate("không tốt").valence < 0
    assert layer.evaluate("ko được tốt lắm").valence < 0  # up to two words between
    assert layer.evaluate("không thật sự là tốt").valence > 0  # three: too far
    assert layer.evaluate("tốt không? tốt").valence == 4.0  # "?" stops it
    assert layer.evaluate("không những tốt").valence > 0


def test_negation_reach_must_be_a_small_number(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text("version: 1\nnegators: [nu]\nnegation_reach: 9\ngroups: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="negation_reach"):
        _compile(path)


def test_negators_are_lower_case_regular_expressions(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text("version: 1\nnegators: [Nu]\ngroups: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lower case"):
        _compile(path)


def test_a_group_that_drops_the_model_lean_has_no_valence_and_no_reason(tmp_path):
    layer = _compile(write(tmp_path, (
        "  - name: plain question\n    valence: 0.0\n    drops_model_lean: true\n"
        "    patterns: ['(is|are) (there|you) [^?]*\\?']\n"
        "  - name: late\n    valence: -2\n    patterns: [late]\n"
    )))
    asked = layer.evaluate("is there a lounge at gate 4?")
    assert asked.drops_model_lean and asked.matches == ()
    late = layer.evaluate("are you open late?")
    assert late.drops_model_lean and late.matches == ((-2.0, "late"),)
    assert not layer.evaluate("the lounge is closed").drops_model_lean
    for body in ("    valence: 1.0\n    drops_model_lean: true\n    patterns: ['x y']\n",
                 "    valence: 0.0\n    drops_model_lean: true\n    words: [x]\n"):
        with pytest.raises(ValueError, match="drops_model_lean"):
            _compile(write(tmp_path, "  - name: q\n" + body))


def test_unless_cancels_a_group_when_found_anywhere_in_the_post(tmp_path):
    layer = _compile(write(tmp_path, (
        "  - name: plain question\n    valence: 0.0\n    drops_model_lean: true\n"
        "    unless: '\\b(still|again|why)\\b|\\?\\s*\\?'\n"
        "    patterns: ['(?<!\\w)(when|where) [^?]*\\?']\n"
    )))
    assert layer.evaluate("when does the shop open?").drops_model_lean
    assert layer.evaluate("where is the shop? thanks").drops_model_lean
    for text in ("still closed. when does the shop open?", "when does it open??",
                 "why? where is my parcel?"):
        assert not layer.evaluate(text).drops_model_lean, text
    with pytest.raises(ValueError, match="unless"):
        _compile(write(tmp_path, (
            "  - name: q\n    valence: 0.0\n    drops_model_lean: true\n"
            "    unless: 'Still'\n    patterns: ['when [^?]*\\?']\n"
        )))


def test_look_behinds_before_a_leading_group_stay_before_each_choice():
    from care_monitor.sentiment.care_layer import _first_word_choices

    assert _first_word_choices(r"(?<!\w)(dove|come) x") == [r"(?<!\w)dove x", r"(?<!\w)come x"]
    assert triggers_of(r"(?<!\w)dove x") == ("dove x",)
    assert triggers_of(r"\bpas(?! encore)\b") == ("pas",)  # a leading word boundary too
