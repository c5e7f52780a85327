from pathlib import Path

import pytest

from care_monitor.config import ConfigError, load_config, parse_duration

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "care_monitor.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid():
    config = load_config(REPO / "care_monitor.example.yml")
    assert [b.name for b in config.brands] == ["Nordwind", "SkyJet"]
    assert config.brand("skyjet").competitor is True
    assert {s.type for s in config.sources} == {"hackernews", "reddit", "mastodon", "rss"}
    assert config.alerts.channels[0].webhook_url.env == "CARE_MONITOR_SLACK_WEBHOOK_URL"


def test_env_var_selects_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, "brands: [{name: A, queries: [{any: [a]}]}]\n")
    monkeypatch.setenv("CARE_MONITOR_CONFIG", str(path))
    assert load_config().brands[0].name == "A"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("brands: []\n", "brands: List should have at least 1 item"),
        ("brands: [{name: A, queries: [{none: [x]}]}]\n", "brands[0].queries[0]: a query needs at least one of"),
        ("brands: [{name: A, queries: [{any: [a]}]}]\nsources: [{name: s, type: nope}]\n", "unknown source type 'nope'"),
        ("brands: [{name: A, queries: [{any: [a]}]}]\nsources: [{name: s, type: rss, poll_interval: soon}]\n",
         "sources[0].poll_interval: 'soon' is not a duration"),
        ("brands: [{name: A, queries: [{any: [a]}]}]\nalerts: {channels: [{type: slack, name: s, webhook_url: https://hooks}]}\n",
         "alerts.channels[0].webhook_url"),
        ("brands: [{name: A, queries: [{any: [a]}]}]\nalerts: {channels: [{type: slack, name: s, webhook_url: {env: A, airflow_conn: b}}]}\n",
         "give exactly one of 'env' or 'airflow_conn'"),
        ("brands: [{name: A, queries: [{any: [a]}]}]\ntimezone: Mars/Base\n", "unknown time zone 'Mars/Base'"),
        ("brands: [{name: A, queries: [{any: [a]}]}, {name: a, queries: [{any: [b]}]}]\n", "duplicate brand name 'a'"),
        ("brands: [{name: A, queries: [{any: [a]}], colour: red}]\n", "brands[0].colour: Extra inputs are not permitted"),
        ("brands: [{name: A\n", "invalid YAML at line"),
        ("- just\n- a list\n", "expected a mapping at the top level"),
    ],
)
def test_bad_files_name_file_field_and_problem(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "Traceback" not in message


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="missing.yml: file not found"):
        load_config(tmp_path / "missing.yml")


def test_durations():
    assert parse_duration("5m") == 300
    assert parse_duration(90) == 90
    assert parse_duration("2h") == 7200
    with pytest.raises(ValueError):
        parse_duration("0s")
