"""Headless Chromium (Debian's `chromium` package): HTML to PDF and to PNG screenshots.

Chromium runs with a fresh profile directory each time and without network side channels
(no sync, component updates or background fetches).  `--no-sandbox` is needed when running
as root (containers, CI); the page is our own rendered report with escaped post text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from care_monitor.report.errors import ReportError

CHROMIUM_ENV_VAR = "CARE_MONITOR_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
]


def find_chromium() -> str | None:
    override = os.environ.get(CHROMIUM_ENV_VAR)
    if override:
        return override if shutil.which(override) or Path(override).exists() else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args: list[str], output: Path) -> None:
    binary = find_chromium()
    if binary is None:
        raise ReportError(
            "headless Chromium not found (install Debian's 'chromium' package with "
            f"scripts/install-system-deps.sh, or set {CHROMIUM_ENV_VAR})"
        )
    with tempfile.TemporaryDirectory(prefix="care-monitor-chromium-") as profile:
        command = [binary, *FLAGS, f"--user-data-dir={profile}", *args]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise ReportError(f"chromium did not finish within {TIMEOUT_S} s") from None
    if completed.returncode != 0 or not output.exists() or output.stat().st_size == 0:
        tail = (completed.stderr or "").strip().splitlines()[-3:]
        raise ReportError(f"chromium could not render {output.name}: {' | '.join(tail)}")


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    pdf_path.unlink(missing_ok=True)
    _run(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()],
        pdf_path,
    )
    return pdf_path


def html_to_png(html_path: Path, png_path: Path, width: int = 680, height: int = 2400) -> Path:
    png_path.unlink(missing_ok=True)
    _run(
        [f"--screenshot={png_path}", f"--window-size={width},{height}",
         html_path.resolve().as_uri()],
        png_path,
    )
    return png_path
