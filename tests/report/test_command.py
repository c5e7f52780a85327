"""`care-monitor report` entry point: bad input gives one clear error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from care_monitor.report.command import run_report_command
from care_monitor.report.errors import ReportError
from tests.report.seed import WEEK, config


@pytest.fixture
def cli_config(seeded_engine, database_url, tmp_path):  # noqa: ANN001, ANN201
    return config(database_url=database_url, reports_dir=str(tmp_path / "reports"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_unknown_brand_malformed_week_and_format_are_named(cli_config) -> None:  # noqa: ANN001
    with pytest.raises(ReportError, match="unknown brand 'Acme'"):
        run_report_command(cli_config, brand="Acme", week=WEEK, fmt="json", out=None)
    with pytest.raises(ReportError, match="malformed week '2026-W99'"):
        run_report_command(cli_config, brand="Nordwind", week="2026-W99", fmt="json", out=None)
    with pytest.raises(ReportError, match="unknown report format 'docx'"):
        run_report_command(cli_config, brand="Nordwind", week=WEEK, fmt="docx", out=None)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_out_file_and_every_monitored_brand(cli_config, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("CARE_MONITOR_DATABASE_URL", raising=False)
    [path] = run_report_command(cli_config, brand="nordwind", week=WEEK, fmt="md", out=tmp_path / "r.md")
    assert path == tmp_path / "r.md" and "Nordwind · weekly report 2026-W43" in path.read_text()
    # without --brand: every brand that is not a competitor (SkyJet is one), into the archive
    paths = run_report_command(cli_config, brand=None, week=WEEK, fmt="json", out=None)
    assert [p.name for p in paths] == ["nordwind-2026-W43.json"]
    assert paths[0].parent == Path(cli_config.reports_dir) / "nordwind"
