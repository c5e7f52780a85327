"""A fast first guess at a post's language from its function words.

Most posts in one of the team's languages use several of that language's commonest function
words ("the", "and", "you" / "il", "che", "sono" ...).  Counting them over the tokens the scorer
computes anyway costs a few dictionary look-ups, against ~15-25 microseconds for CLD2 and
~100 for py3langid, so language.detect_language asks this first and only calls the
detectors when the count is not clear-cut.  Each list holds only words that are rare in the
other seven languages (so "de", "la", "no", "in", "a", "que" are in none of them).
Measured on the dev sets: see docs/sentiment.md.
"""

from __future__ import annotations

STOPWORDS: dict[str, str] = {
    "en": "the and you your my for of with this that was are have but just what they will has "
          "been from why how when would there their about it is we not get can be at all if or "
          "out up our only any who did does don didn isn to he she her his him them were had "
          "than then some more very really know like one now good see going want got need "
          "people think make today thanks thank please after over because which where here "
          "much too well being into could should im dont cant",
    "es": "el los las y por una pero muy del más hay eso esto usted ustedes también todos "
          "cuando donde ahora hoy estoy tengo gracias yo su sus han hemos qué cómo aquí día vez "
          "sin sobre hasta desde mucho mucha siempre algo alguien nadie otro otra cada bueno "
          "buena años mismo sí voy vamos eres tiene hace hacer puede",
    "pt": "não os um com muito é do da dos das em eu você vocês isso esse essa tem mas ao foi já "
          "pra pro vc nao tá tô né estou ela ele seu sua meu minha mesmo hoje obrigado são "
          "estão agora aqui então quem onde ainda depois nós dele dela isto fazer vai vou coisa "
          "coisas tudo muita",
    "it": "il di che è per sono gli della delle dei questo questa anche ho hai io perché più "
          "cosa sempre nel nella alla mio tuo suo ci come oggi ancora tutto tutti fatto sei "
          "siamo stato stata essere fare fa detto ogni dopo prima poi però quanto quello quella "
          "quelli niente nulla qualcuno qualcosa adesso domani vuoi voglio può devo hanno "
          "abbiamo noi voi loro lui lei nostro vostro degli dello dalla dal sul sulla agli alle "
          "negli tra fra molto troppo",
    "fr": "les et est des une pas je vous nous qui dans sur pour avec très on elle sont mon mes "
          "cette ça suis été aussi leur fait tout rien j qu avoir être faire peut veux ils votre "
          "vos notre encore toujours jamais déjà trop merci bonjour quoi comme ont avez aux "
          "chez sans vraiment alors donc oui",
    "de": "der die das und ist nicht ich du sie zu mit den dem ein eine auf für von auch sich "
          "wie noch schon aber bei mir mich wir hat haben sind nur kein keine dass oder wenn ja "
          "nein doch mal man ihm ihn uns euch sein seine mein meine dein deine heute jetzt "
          "immer wieder sehr viel mehr kann muss wird werden wurde gibt geht habe hab bin bist "
          "einen einem einer vom zum zur beim über nach gegen ohne weil warum wer wo dann denn "
          "danke gut",
    "ro": "și în cu pe că este sunt din pentru să care fost foarte doar această asta dar lui "
          "acest fi nici cum după sau ele noi voi nu acum aici bine mult multe nimic nimeni "
          "prin despre fără până unde când cand suntem ești era avea poate trebuie vreau eu ea "
          "lor meu mea iar deci însă încă mereu niciodată azi astăzi mâine",
    "vi": "không của và là có được cho này với các những một người đã thì mà tôi bạn rất quá "
          "mình nhưng vẫn làm gì "
          # the same words as typed without diacritics, and common abbreviations
          "khong duoc dc ko nhung nguoi cua minh roi cung nhieu chua nhe nha vay thi nhu cac "
          "trong khi nua luon vao biet",
}

# more common words, chosen from the training posts (../shared/data/sentiment-train) by document
# frequency: in >= 1.5 % of one language's posts and <= 0.2 % of each other language's; topical
# words (names, hashtags, the subjects of a corpus) and words common elsewhere ("pot", "nem")
# left out; the same test on the posts with their accents dropped gives the words as typed
# without them ("perche", "tambien", "dupa"; not "ate", "meme", English words).  More posts are
# then decided here instead of by CLD2 (~5 microseconds a post).
FREQUENT_WORDS: dict[str, str] = {
    "es": "quiero soy así puedo fue pues ese tener mañana mejor "
          "asi manana tambien despues estan aun algun quien ahi",  # typed without accents
    "pt": "só uma melhor quero bem ter bom acho hj também até",
    "it": "grazie bene contro piace sto sia dell piu perche cosi sara puo",
    "fr": "quand contre etre ete apres bientot",
    "de": "aus einfach ihr echt bitte als dir macht",
    "ro": "şi aşa așa dacă daca mă ceva fie chiar toate fac imi îmi cei "
          # the same test on the Romanian posts with their diacritics dropped, as many are typed
          "dupa după asa iti îți esti ești pana fara doua două decat decât inca aceasta toti toți "
          "avem ati niste niște orice atat atât numai cineva catre către spre acolo inainte "
          "înainte fiecare unui cele",
    "vi": "cũng như lại đến rồi vậy đi ạ cả ở cái luôn thấy nào từ vào thể nói phải thế còn để "
          "mới nhiều",
}

# the same test at >= 0.6 % of one language's posts and <= 0.1 % of each other's (a longer
# list: short posts to brands often hold a single word of the lists above), read by hand to
# leave out names, shows, places and topics ("monti", "masterchefbr", "cluj", "covid") and
# words that are English or another team language's too ("mare", "pot", "font", "comment")
COMMON_WORDS: dict[str, str] = {
    "es": "mala después tenía tienen gusta queda nueva siento tienes somos dicen aún unos sé "
          "sabes algún tampoco personas vaya entonces juntos días primera están noche estas "
          "trabajo cierto conmigo muchas esa muchos aunque sería luego claro casi año buenas "
          "cosas nuevo creo esos ayer sólo buenos primer salir hacen iba seguro pasar verdad "
          "decir tenemos ganas necesito peor tiempo él quería buen digo estaba ella malo hola "
          "veces tus",
    "pt": "pode vontade assistir dá tava nossa ontem gosto sair mulher vem chorar mãe saiu "
          "manda falando pessoa faz acredito pessoas povo desse tão mim novo alguém essas "
          "tenho passar deus falar boa quase deu pela sou homem passa sem kkk",
    "it": "tutte amore ragazzi cose mondo vuole nuovo invece quale sì sarà credo ciao perchè "
          "vita andare lavoro vorrei altro finalmente appena ecco paese parla anni proprio nn "
          "così forse po nell giorni senza dove sembra già fanno speriamo vero buona avere "
          "secondo male meglio nessuno altri sulle",
    "fr": "histoire nouveau depuis grâce première vers selon bonne temps ces même voir peu ans "
          "moins",
    "de": "diese ach bis guten voll gehen schön ganz nichts hier hätte mann kommt neue "
          "eigentlich endlich gute gerade wäre machen leute seit hast sicher wohl meinen unter "
          "soll dafür alles dieser liebe sehen morgen weg leider nacht natürlich können besser "
          "sieht neuen würde bekommen durch ende toll gleich kleine hatte",
    "ro": "făcut unei acasă după spus luat vă ziua facut avut venit zi tine cred zile lume "
          "frumos ajuns într noapte multumesc aia mulți fii vezi vreo nevoie oameni dintre îi "
          "văzut ați seara știu putea atunci cât ceea peste trei unul ți primul zilei lumea bani "
          "astea trecut timp buna toată își ești locul îl aproape bune",
    "vi": "cần khó gọi mãi lắm nên tuần chắc việc tốt hôm hết xem nhất đang muốn số giờ thông "
          "chính hiện ngoài chọn đc bất nghe trả kiểu mấy hỏi lời gần ăn năm chịu lấy dùng bị "
          "nó thời chưa vui bắt",
}

WORD_LANGUAGE: dict[str, str] = {}
for _language, _words in [*STOPWORDS.items(), *FREQUENT_WORDS.items(), *COMMON_WORDS.items()]:
    for _word in _words.split():
        # a word listed for two languages would mislead: drop it from both
        WORD_LANGUAGE[_word] = "" if _word in WORD_LANGUAGE else _language
# listed words that the training posts show to be common in another language too (there in
# >= 1.5 % of the posts, and not 5x as common in their own): "du" is German and French, "on"
# English and French, "del" Spanish and Italian, "hay" Spanish and Vietnamese.  Kept although
# shared, as Portuguese posts have few others: "do", "dos", "em", "mas", "um".
SHARED_WORDS = frozenset({
    "are", "come", "da", "del", "du", "era", "este", "hay", "he", "im", "mal", "man", "on",
    "por", "sau", "sempre", "su", "una", "was",
})
WORD_LANGUAGE = {
    word: language for word, language in WORD_LANGUAGE.items()
    if language and word not in SHARED_WORDS
}

# the listed words that occur in a training post of another team language too: "desde" in
# Spanish and Portuguese posts, "tra" in Italian and Vietnamese ones (`python -m
# bench.function_words` regenerates the list from ../shared/data/sentiment-train)
SEEN_ELSEWHERE = frozenset("""
about after agora algo all alla alle amore and any ao aqui asi asta at avere be because bei
being bem bene biet bin boa bonne buen buenos but cada can care ces che ci claro com comme
contre cosa credo cu cât dar dc dei dela dell dem den der des desde deu di die digo din dir do
don dont dos ein el ela ella em eres eso essa esse est estas et fa fara fi finalmente for from
get già going good got hai han has hat have her here hier hj ho hola how ich if il into io is
ist it j ja jamais je juntos just know ko las lei les like los là mala male manda mas merci mes
minh mio moins mon more morgen much multe my nadie nao need nicht not now nu não né of one only
or os our out over pas passa pe people per perche pero peste please po pour prima primer primera
pro proprio qu quanto qui really rien see sei sein seine sem she sia sobre some somos sono sua
suis sul sur sus sé tem tengo ter than thank thanks that the their them then there think this
tiene to today todos too tra tá tô um uns up vai vamos vao vc vers very vez vita vom von vos
want we well were what when who why will with wo would y yo you your zu é
""".split())
# words that name their language on their own: three letters or more, never seen in another
# language's training posts, not English (English words turn up in posts of every language)
UNAMBIGUOUS_WORDS = frozenset(
    word for word, language in WORD_LANGUAGE.items()
    if len(word) >= 3 and word not in SEEN_ELSEWHERE and language != "en"
)

MIN_HITS = 2  # at least this many function words of the winning language
MIN_LEAD = 3.0  # ... and this many times as many as the runner-up
MIN_SHARE = 0.10  # ... making up at least this share of the words


def guess(tokens: list[str]) -> str | None:
    """The language whose function words clearly dominate `tokens`, else None."""
    return guess_language(tokens, WORD_LANGUAGE, MIN_HITS, MIN_LEAD, MIN_SHARE)


def single_language(tokens: list[str]) -> str | None:
    """The language of a post whose function words all belong to that one language, one of
    them unambiguous (UNAMBIGUOUS_WORDS): "Zum Kündigen angerufen, 35 Minuten
    Überredungsversuche" is German on "zum" alone.  Asked when `guess` is not sure."""
    if UNAMBIGUOUS_WORDS.isdisjoint(tokens):
        return None
    found = set(filter(None, map(WORD_LANGUAGE.get, tokens)))
    return found.pop() if len(found) == 1 else None


def leaning(tokens: list[str]) -> str | None:
    """The language with strictly the most function words among `tokens` (one is enough), else
    None: a weaker answer than `guess`, for posts that CLD2 was not sure of either."""
    return leaning_language(tokens, WORD_LANGUAGE)


def _guess_language(
    tokens: list[str], word_language: dict[str, str], min_hits: int, min_lead: float,
    min_share: float,
) -> str | None:
    """Pure-Python twin of `_speedups.guess_language` (see guess)."""
    found = list(filter(None, map(word_language.get, tokens)))  # C loops, no Python one
    if not found or len(found) < min_hits:
        return None
    counts: dict[str, int] = {}
    for language in found:
        counts[language] = counts.get(language, 0) + 1
    best = max(counts, key=counts.__getitem__)  # the first with the most
    hits = counts.pop(best)
    runner_up = max(counts.values(), default=0)
    if hits < min_hits or hits < min_lead * runner_up:
        return None
    words = sum(map(str.isalpha, tokens))
    return best if hits >= min_share * words else None


def _leaning_language(tokens: list[str], word_language: dict[str, str]) -> str | None:
    """Pure-Python twin of `_speedups.leaning_language` (see leaning)."""
    found = list(filter(None, map(word_language.get, tokens)))
    if not found:
        return None
    counts: dict[str, int] = {}
    for language in found:
        counts[language] = counts.get(language, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return None
    return max(counts, key=counts.__getitem__)


try:  # the compiled twins (setup.py builds them; optional): the same answers, one C call
    from care_monitor.sentiment._speedups import guess_language, leaning_language
except ImportError:  # pragma: no cover - an install without a C compiler
    guess_language, leaning_language = _guess_language, _leaning_language
