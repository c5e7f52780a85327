from care_monitor.config import Brand, BrandQuery
from care_monitor.matching import BrandMatcher


def brand(name: str, *queries: BrandQuery, competitor: bool = False) -> Brand:
    return Brand(name=name, queries=list(queries), competitor=competitor)


NORDWIND = brand(
    "Nordwind",
    BrandQuery(any=["nordwind", "@nordwindair", "#nordwind"], none=["wind farm"]),
    BrandQuery(phrases=["nordwind air"]),
)
SKYJET = brand("SkyJet", BrandQuery(any=["skyjet"]), competitor=True)


def test_case_insensitive_whole_words():
    matcher = BrandMatcher([NORDWIND, SKYJET])
    assert matcher.match("NORDWIND lost my bag") == ["Nordwind"]
    assert matcher.match("nordwindy weather today") == []
    assert matcher.match("flying SkyJet, then Nordwind") == ["Nordwind", "SkyJet"]


def test_handles_and_hashtags_match_as_written():
    matcher = BrandMatcher([NORDWIND])
    assert matcher.match("thanks @NordwindAir!") == ["Nordwind"]
    assert matcher.match("#nordwind delayed again") == ["Nordwind"]


def test_excluded_terms_veto_a_query():
    matcher = BrandMatcher([brand("Nordwind", BrandQuery(any=["nordwind"], none=["wind farm"]))])
    assert matcher.match("the Nordwind wind farm opened") == []
    assert matcher.match("Nordwind  Wind\nFarm") == []


def test_phrases_match_across_whitespace_but_not_partially():
    matcher = BrandMatcher([brand("N", BrandQuery(phrases=["nordwind air"]))])
    assert matcher.match("Nordwind   Air was late") == ["N"]
    assert matcher.match("Nordwind Airlines") == []


def test_all_terms_required():
    matcher = BrandMatcher([brand("Acme", BrandQuery(all=["acme", "bank"]))])
    assert matcher.match("acme bank app crashed") == ["Acme"]
    assert matcher.match("acme rockets") == []


def test_languages_restrict_a_query():
    matcher = BrandMatcher([brand("Acme", BrandQuery(any=["acme"], languages=["ro", "it"]))])
    assert matcher.match("acme e super", "ro") == ["Acme"]
    assert matcher.match("acme is great", "en") == []
    assert matcher.match("acme is great", None) == []
    assert matcher.match("acme e super", "RO-md") == ["Acme"]


def test_regex_metacharacters_are_literal():
    matcher = BrandMatcher([brand("Plus", BrandQuery(any=["c++ (beta)"]))])
    assert matcher.match("I love c++ (beta) tools") == ["Plus"]
    assert matcher.match("I love cxx beta tools") == []
