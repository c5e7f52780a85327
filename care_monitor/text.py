"""HTML from feeds to plain text, safely.

Post HTML is untrusted. nh3 (the Rust `ammonia` sanitiser) parses it like a browser would,
drops `<script>`/`<style>` together with their content, and keeps only block-level tags,
which are then turned into line breaks; entities are decoded last. The result is plain
text: anything that looks like markup in it was *text* in the post, and every place that
shows it must escape it.
"""

from __future__ import annotations

import html
import re

import nh3

# Tags kept for one pass so they can become line breaks; everything else is unwrapped.
_BLOCK_TAGS = {"p", "br", "div", "li", "blockquote", "pre", "tr"} | {f"h{n}" for n in range(1, 7)}
_BLOCK_TAG = re.compile(r"<(/?)(\w+)>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(markup: str | None) -> str:
    """Visible text of an HTML fragment, with paragraphs and line breaks as newlines."""
    if not markup:
        return ""
    cleaned = nh3.clean(
        markup, tags=_BLOCK_TAGS, attributes={}, link_rel=None, strip_comments=True
    )
    # nh3 re-serialises what it keeps, so kept tags are exactly `<p>`, `</p>`, `<br>`, ...
    with_breaks = _BLOCK_TAG.sub(_break_for, cleaned)
    return normalise_whitespace(html.unescape(with_breaks))


def _break_for(match: re.Match[str]) -> str:
    closing, tag = match.group(1), match.group(2)
    if tag == "br":
        return "\n"
    if tag in ("p", "blockquote", "pre") or tag.startswith("h"):
        return "\n\n"
    return "\n" if closing else ""


def normalise_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line between paragraphs."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
