"""The HTML report rendered by headless Chromium: a PNG of the right size that is not blank,
and a PDF.  Skips only outside CI when Chromium is not installed (CI installs it with
scripts/install-system-deps.sh)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from care_monitor.report.charts import all_charts
from care_monitor.report.chromium import find_chromium, html_to_pdf, html_to_png
from care_monitor.report.render import render_html


@pytest.fixture(scope="module", autouse=True)
def chromium() -> None:
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: run scripts/install-system-deps.sh", pytrace=False)
        pytest.skip("chromium is not installed (scripts/install-system-deps.sh installs it)")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_html_renders_to_a_non_blank_png_and_a_pdf(report, tmp_path: Path) -> None:  # noqa: ANN001
    from PIL import Image

    html = tmp_path / "report.html"
    html.write_text(render_html(report, all_charts(report)), encoding="utf-8")
    png = html_to_png(html, tmp_path / "report.png", width=680, height=1400)
    with Image.open(png) as image:
        assert image.size == (680, 1400)
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        not_background = sum(n for n, c in colours if c not in ((255, 255, 255), (245, 247, 250)))
        assert len(colours) > 50  # text, arrows and charts, not a flat page
        assert not_background > 0.05 * 680 * 1400
        # the red of the falling net sentiment arrow / negative line is on the page
        assert any(r > 200 and g < 80 and b < 80 for _n, (r, g, b) in colours)
    pdf = html_to_pdf(html, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
