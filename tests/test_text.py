"""HTML to plain text: safe stripping, entities, paragraph breaks."""

from __future__ import annotations

import pytest

from care_monitor.text import html_to_text, normalise_whitespace


@pytest.mark.parametrize("markup, expected", [
    ("<p>Hello</p><script>alert('x')</script>", "Hello"),
    ("<style>p { color: red }</style><p>Styled</p>", "Styled"),
    ("<p>café &amp; cr&egrave;me &#128512; &lt;b&gt;</p>", "café & crème 😀 <b>"),
    ('<p>see <a href="https://x.example/">the <span>report</span></a></p>', "see the report"),
    ("<p>one</p><p>two<br>three<br/>four</p>", "one\n\ntwo\nthree\nfour"),
    ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
    ("<!-- hidden --><b>bold</b>   and\t  spaced", "bold and spaced"),
    ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
    ("<img src=x onerror=alert(1)>caption", "caption"),
    ("", ""),
    (None, ""),
])
def test_html_to_text(markup, expected):
    assert html_to_text(markup) == expected


def test_escaped_markup_in_a_post_stays_visible_as_text():
    text = html_to_text("&lt;@channel&gt; &lt;!here&gt; *bold* &lt;script&gt;alert(1)&lt;/script&gt;")
    assert text == "<@channel> <!here> *bold* <script>alert(1)</script>"


def test_a_real_script_tag_never_leaks_even_when_split():
    text = html_to_text("<p>ok</p><scr<script>ipt>alert(1)</script>")
    assert "<script" not in text


def test_normalise_whitespace_keeps_one_blank_line():
    assert normalise_whitespace("a  b\n\n\n\n c \u00a0") == "a b\n\nc"
