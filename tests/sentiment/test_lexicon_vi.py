"""Golden sentences for the Vietnamese general lexicon (care/vi.yaml version 2).

Written for these tests (not taken from any data set): per domain a plain negative, a plain
positive, a negated praise word (blame), a negated blame word (no blame), and a spelling
without diacritics.  The scorer combines the banking-trained model with the care layer, so
these also check that the lexicon outvotes the model where it knows nothing of the domain.
"""

from __future__ import annotations

import pytest

from care_monitor.sentiment import Scorer
from care_monitor.sentiment.care_layer import load_care_layer


@pytest.fixture(scope="module")
def scorer():
    return Scorer()


GOLDEN = [
    # teaching and courses
    ("Giảng viên dạy rất khó hiểu, môn học nhàm chán", "negative"),
    ("Thầy chỉ đọc slide, sinh viên không hiểu gì", "negative"),
    ("Cô giảng bài rất hay và dễ hiểu, nhiệt tình với sinh viên", "positive"),
    ("Môn học bổ ích, thầy tận tâm", "positive"),
    ("Giảng viên không nhiệt tình", "negative"),
    ("giang vien day rat kho hieu", "negative"),
    ("thay rat nhiet tinh, de hieu", "positive"),
    # products, delivery, shops
    ("Máy nóng, pin tụt nhanh, thất vọng", "negative"),
    ("Giao hàng chậm quá, hàng lỗi", "negative"),
    ("Hàng không giống hình, đóng gói sơ sài", "negative"),
    ("Pin trâu, máy chạy mượt, rất hài lòng", "positive"),
    ("Đóng gói cẩn thận, giao hàng nhanh, sẽ ủng hộ shop tiếp", "positive"),
    ("Sản phẩm không tốt", "negative"),
    ("Chất lượng kém hiệu quả", "negative"),
    ("hang dep, giao hang nhanh, cam on shop", "positive"),
    # everyday emotions
    ("Hôm nay tôi buồn quá", "negative"),
    ("Tức giận vì bị lừa", "negative"),
    ("Sợ quá, ghê tởm thật", "negative"),
    ("Tôi rất hạnh phúc, vui lắm", "positive"),
    ("Mình thích cái này lắm", "positive"),
    ("Không thích chút nào", "negative"),
    # insults and complaint phrases
    ("Thằng này ngu thật, đồ khốn nạn", "negative"),
    ("Làm ăn như thế này thì đừng mua", "negative"),
    # praise phrases, intensifiers that do not flip
    ("Đẹp kinh khủng, ngon dã man", "positive"),
    ("Không những đẹp mà còn rẻ", "positive"),
]


@pytest.mark.parametrize("text,label", GOLDEN)
def test_golden_sentences(scorer, text, label):
    result = scorer.score(text, language="vi")
    assert result.language == "vi", text
    assert result.label == label, (text, result)


@pytest.mark.parametrize("text", ["Không tệ", "Sản phẩm không tệ lắm, giao nhanh"])
def test_not_bad_is_no_blame(scorer, text):
    assert scorer.score(text, language="vi").label != "negative"


def _valence(text: str) -> float:
    return load_care_layer("vi").evaluate(text).valence


@pytest.mark.parametrize("text,sign", [
    # a negated praise word flips, a negated blame word is dropped
    ("không tốt", -1), ("chưa hài lòng", -1), ("chẳng đẹp", -1), ("ko thích", -1),
    ("không thật sự hài lòng", -1),  # the negator reaches over two syllables
    ("không lỗi", 0), ("không hề thất vọng", 0),
    # ...but not across punctuation, nor in "không những" (not only), "không khí" (air)
    ("tốt không? đẹp lắm", 1), ("không những đẹp", 1), ("không khí vui vẻ", 1),
    # "chả" negates, but not the food: bún chả, chả giò
    ("chả ngon", -1), ("bún chả ngon", 1), ("chả giò ngon", 1),
    # words that only look like praise or blame
    ("vui lòng liên hệ tổng đài", 0), ("gửi yêu cầu", 0), ("giải thích giúp em", 0),
    ("sinh viên tốt nghiệp", 0), ("xin lỗi quý khách", 0), ("mồ hôi", 0),
    ("rất hay bị lỗi", -1),  # "hay" is also "often"
    ("dịch vụ kinh khủng", -1), ("đẹp kinh khủng", 1),  # an intensifier after praise
])
def test_care_layer_polarity(text, sign):
    valence = _valence(text)
    assert (valence > 0) - (valence < 0) == sign, (text, valence)


def test_vietnamese_negators_do_not_reach_other_languages():
    # "không" and "chưa" moved from the shared negation list into care/vi.yaml
    assert load_care_layer("en").evaluate("không thank you").valence >= 0
    assert load_care_layer("it").evaluate("k bello").valence >= 0
