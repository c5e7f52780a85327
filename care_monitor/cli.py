"""`care-monitor`: the pipeline from a terminal, without a scheduler.

Every command reads the same configuration file (`--config`, else $CARE_MONITOR_CONFIG, else
./care_monitor.yml). Known failures (bad config, missing secret, unreachable database or feed)
print one clear line and exit 2, never a traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from care_monitor.config import CONFIG_ENV_VAR, Config, ConfigError, load_config

if TYPE_CHECKING:
    from care_monitor.storage.repository import Storage

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Poll social and review feeds for brand mentions, score them, store them, alert on negative ones.",
)
db_app = typer.Typer(no_args_is_help=True, help="The project's own database.")
sources_app = typer.Typer(no_args_is_help=True, help="Configured sources and their health.")
app.add_typer(db_app, name="db")
app.add_typer(sources_app, name="sources")

console = Console()
err_console = Console(stderr=True)

LABELS = ("negative", "neutral", "positive")


@dataclass
class State:
    config_path: Optional[Path]
    _config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def database_url(self) -> str:
        """The database URL; works without a config file for `db upgrade` on the default."""
        import os

        from care_monitor.config import DATABASE_URL_ENV_VAR, DEFAULT_DATABASE_URL, default_config_path

        path = self.config_path or default_config_path()
        if path.exists() or self.config_path is not None:
            return self.config().resolved_database_url()
        return os.environ.get(DATABASE_URL_ENV_VAR) or DEFAULT_DATABASE_URL

    def storage(self) -> "Storage":
        """The project's database, refusing one that was never migrated (with what to run)."""
        from care_monitor.storage.db import redact_url
        from care_monitor.storage.migrate import current_revision
        from care_monitor.storage.repository import Storage

        url = self.database_url()
        if current_revision(url) is None:
            raise ConfigError(
                f"database {redact_url(url)} has no care-monitor schema yet: run `care-monitor db upgrade`"
            )
        return Storage.from_url(url)


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


@app.callback()
def _options(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(
        None, "--config", "-c", envvar=CONFIG_ENV_VAR, help="Configuration file (YAML)."
    ),
) -> None:
    ctx.obj = State(config_path=config)


# --- database -------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or migrate the schema to the newest revision (Alembic)."""
    from care_monitor.storage.db import redact_url
    from care_monitor.storage.migrate import current_revision, upgrade_database

    url = _state(ctx).database_url()
    upgrade_database(url)
    console.print(f"database {redact_url(url)} is at revision {current_revision(url)}")


# --- polling and delivery -------------------------------------------------------------


@app.command()
def poll(
    ctx: typer.Context,
    source: Optional[list[str]] = typer.Option(
        None, "--source", "-s", help="Poll only this source (repeatable)."
    ),
    deliver: bool = typer.Option(True, help="Deliver pending alerts after polling."),
) -> None:
    """One poll cycle of every enabled source (or --source NAME), then deliver alerts."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from care_monitor.pipeline import Pipeline

    state = _state(ctx)
    config = state.config()
    names = source or [s.name for s in config.sources if s.enabled]
    for name in names:
        config.source(name)  # unknown names fail before anything runs
    pipeline = Pipeline(config, state.storage())
    streams = sum(_stream_count(pipeline, config.source(n)) for n in names)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err_console, transient=True,
    ) as progress:
        task = progress.add_task("polling", total=streams)
        report = pipeline.poll(
            names,
            on_stream_done=lambda o: progress.update(task, advance=1, description=f"{o.source} {o.stream}"),
        )
    table = Table(title="Poll", title_justify="left")
    for column in ("source", "stream", "status", "fetched", "matched", "new", "alerts", "pages"):
        table.add_column(column, justify="right" if column not in ("source", "stream", "status") else "left")
    for o in report.outcomes:
        status = "[green]ok[/]" if o.status == "ok" else f"[red]{o.status}[/]"
        pages = f"{o.pages}{'+' if o.truncated else ''}"
        table.add_row(o.source, o.stream, status, str(o.fetched), str(o.matched),
                      str(o.stored_new), str(o.alerts_raised), pages)
    console.print(table)
    for o in report.failed:
        err_console.print(f"[red]{o.source}[/] {o.stream}: {o.error}", markup=True, highlight=False)
    for change in pipeline.check_health():
        err_console.print(f"[yellow]{change.kind}[/] {escape(change.source_name)}: {escape(change.reason)}")
    if deliver:
        _print_delivery(pipeline.deliver())
    if report.failed and len(report.failed) == len(report.outcomes):
        raise typer.Exit(1)


def _stream_count(pipeline, source_config) -> int:
    """For the progress bar; a source that cannot even be built counts once (its error shows)."""
    try:
        return len(pipeline.build_source(source_config).streams())
    except Exception:  # noqa: BLE001 - the poll itself reports the real error
        return 1


@app.command("deliver")
def deliver_command(ctx: typer.Context) -> None:
    """Send pending alert deliveries (retrying earlier failures that are due)."""
    from care_monitor.pipeline import Pipeline

    state = _state(ctx)
    _print_delivery(Pipeline(state.config(), state.storage()).deliver())


def _print_delivery(report) -> None:
    console.print(
        f"alerts delivered: [green]{report.sent}[/] sent, "
        f"[{'red' if report.failed else 'green'}]{report.failed}[/] failed, {report.pending} still pending"
    )


@sources_app.command("status")
def sources_status(
    ctx: typer.Context,
    window: str = typer.Option("24h", help="Count runs, items and waits over this window (e.g. 6h, 7d)."),
) -> None:
    """Per source and stream: last successful poll, last error, items, skipped pages, waits, quota."""
    from datetime import timedelta

    from care_monitor.config import parse_duration
    from care_monitor.health import render_status_table, stream_health

    try:
        span = timedelta(seconds=parse_duration(window))
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--window") from None
    state = _state(ctx)
    rows = stream_health(state.storage(), window=span, config=state.config())
    console.print(render_status_table(rows, window=span))


@sources_app.command("check")
def sources_check(ctx: typer.Context) -> None:
    """Can each source be reached? One request per source, no retries, nothing stored."""
    from care_monitor.pipeline import Pipeline

    config = _state(ctx).config()
    pipeline = Pipeline(config, storage=None)  # type: ignore[arg-type]  # checking stores nothing
    table = Table(title="Source check", title_justify="left")
    for column in ("source", "type", "result", "detail"):
        table.add_column(column, overflow="fold")
    failures = 0
    for source in config.sources:
        if not source.enabled:
            continue
        result = pipeline.check_source(source.name)
        failures += not result.ok
        table.add_row(escape(source.name), source.type,
                      "[green]reachable[/]" if result.ok else "[red]failed[/]", escape(result.detail))
    console.print(table)
    if failures:
        raise typer.Exit(1)


@sources_app.command("list")
def sources_list(ctx: typer.Context) -> None:
    """The configured sources, their streams and poll intervals."""
    from care_monitor.pipeline import Pipeline
    from care_monitor.secrets import SecretError
    from care_monitor.sources.errors import SourceError

    config = _state(ctx).config()
    pipeline = Pipeline(config, storage=None)  # type: ignore[arg-type]  # building needs no DB
    table = Table(title="Configured sources", title_justify="left")
    for column in ("name", "type", "enabled", "every", "max pages", "base URL", "streams"):
        table.add_column(column, overflow="fold")
    for source_config in config.sources:
        try:
            source = pipeline.build_source(source_config)
            base, streams = source.base_url, ", ".join(source.streams())
        except (SecretError, SourceError, ValueError) as error:
            base, streams = source_config.base_url or "", f"[red]{escape(str(error))}[/]"
            table.add_row(escape(source_config.name), source_config.type, "", "", "", escape(base), streams)
            continue
        table.add_row(
            escape(source_config.name), source_config.type, "yes" if source_config.enabled else "no",
            f"{source_config.poll_interval}s", str(source_config.max_pages), escape(base), escape(streams),
        )
    console.print(table)


# --- scoring --------------------------------------------------------------------------


@app.command()
def score() -> None:
    """Score texts from stdin, one per line, as JSON lines (label, score, language, reasons)."""
    from care_monitor.sentiment import Scorer
    from care_monitor.sentiment.cli_score import score_stream

    score_stream(sys.stdin, sys.stdout, Scorer())


@app.command()
def correct(
    ctx: typer.Context,
    mention_id: int = typer.Argument(..., help="The mention's id (see `care-monitor mentions`)."),
    label: str = typer.Argument(..., help="negative | neutral | positive"),
    note: Optional[str] = typer.Option(None, help="Why (kept with the correction)."),
    by: Optional[str] = typer.Option(None, help="Who corrected it."),
) -> None:
    """Correct a mention's sentiment label; rescoring never overwrites a correction."""
    if label not in LABELS:
        raise typer.BadParameter(f"{label!r} is not one of {', '.join(LABELS)}", param_hint="LABEL")
    _state(ctx).storage().correct_label(mention_id, label, note=note, corrected_by=by)
    console.print(f"mention {mention_id} is now labelled {label}")


@app.command()
def corrections(
    ctx: typer.Context,
    language: Optional[str] = typer.Option(None, help="Only this language (ISO 639-1 code)."),
    export: Optional[Path] = typer.Option(
        None, metavar="DIR",
        help="Also write the corrected posts to DIR/corrections_<language>.tsv (label<TAB>text), "
             'a set `make bench-sentiment EXTRA="DIR/*.tsv"` scores.',
    ),
) -> None:
    """Where people corrected the scorer: its current label against theirs, per language."""
    from care_monitor.corrections import disagreements, export_sets

    corrected = _state(ctx).storage().corrected_mentions(language=language)
    table = Table(title=f"Corrections ({len(corrected)})", title_justify="left")
    for column in ("language", "scorer said", "people said", "posts"):
        table.add_column(column, justify="right" if column == "posts" else "left")
    for code, counts in disagreements(corrected).items():
        for (scorer, person), count in counts.most_common():
            agreed = " (agrees now)" if scorer == person else ""
            table.add_row(code, escape(scorer), escape(person) + agreed, str(count))
    console.print(table)
    if export is not None:
        for path, rows in export_sets(corrected, export).items():
            console.print(f"wrote {rows} post{'' if rows == 1 else 's'} to {escape(str(path))}")


# --- listings -------------------------------------------------------------------------


@app.command()
def mentions(
    ctx: typer.Context,
    brand: Optional[str] = typer.Option(None, help="Only this brand."),
    label: Optional[str] = typer.Option(None, help="negative | neutral | positive"),
    source: Optional[str] = typer.Option(None, help="Only this platform (reddit, mastodon...)."),
    limit: int = typer.Option(30, min=1, max=10_000),
) -> None:
    """The newest stored mentions."""
    rows = _state(ctx).storage().list_mentions(brand=brand, label=label, source=source, limit=limit)
    table = Table(title=f"Mentions ({len(rows)})", title_justify="left", show_lines=False)
    for column in ("id", "created (UTC)", "source", "brands", "label", "score", "lang", "author", "text"):
        table.add_column(column, overflow="fold" if column == "text" else "ellipsis")
    for m in rows:
        label = m.effective_label or ""
        colour = {"negative": "red", "positive": "green"}.get(label, "white")
        table.add_row(
            str(m.id), f"{m.created_at:%Y-%m-%d %H:%M}", m.source, ", ".join(m.brands),
            f"[{colour}]{escape(label)}[/]" + (" (corrected)" if m.corrected_label else ""),
            f"{m.sentiment_score:+.2f}" if m.sentiment_score is not None else "",
            m.language or "", escape(m.author_handle or ""), escape(_excerpt(m.text)),
        )
    console.print(table)


@app.command()
def alerts(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(None, help="pending | sent | failed | dead"),
    limit: int = typer.Option(30, min=1, max=10_000),
) -> None:
    """Raised alerts and the state of their deliveries."""
    storage = _state(ctx).storage()
    rows = storage.list_alerts(status=status, limit=limit)
    table = Table(title=f"Alerts ({len(rows)})", title_justify="left")
    for column in ("id", "raised (UTC)", "kind", "brand", "score", "deliveries", "text"):
        table.add_column(column, overflow="fold" if column == "text" else "ellipsis")
    for a in rows:
        deliveries = ", ".join(f"{d.channel}:{d.status}" for d in a.deliveries)
        mention = storage.get_mention(a.mention_id) if a.mention_id else None
        text = mention.text if mention else str(a.payload.get("summary", ""))
        table.add_row(
            str(a.id), f"{a.created_at:%Y-%m-%d %H:%M}", a.kind, escape(a.brand or ""),
            f"{a.score:+.2f}" if a.score is not None else "", deliveries, escape(_excerpt(text)),
        )
    console.print(table)


def _excerpt(text: str, length: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


# --- weekly report ------------------------------------------------------------------


@app.command()
def report(
    ctx: typer.Context,
    brand: Optional[str] = typer.Option(None, help="One brand (default: every brand that is not a competitor)."),
    week: Optional[str] = typer.Option(None, help="ISO week like 2026-W47 (default: the last full week)."),
    fmt: str = typer.Option("html", "--format", "-f", help="html | pdf | json | md"),
    out: Optional[Path] = typer.Option(None, help="File (one brand) or directory; default: the archive."),
) -> None:
    """The weekly reputation report: volume, sentiment, worst posts, themes, speed, coverage."""
    from care_monitor.report.command import run_report_command

    for path in run_report_command(_state(ctx).config(), brand=brand, week=week, fmt=fmt, out=out):
        console.print(f"wrote {path}")


# --- demo -----------------------------------------------------------------------------


@app.command()
def demo(
    workdir: Path = typer.Option(Path("var/demo"), help="Where the demo keeps its database and logs."),
    airflow: bool = typer.Option(False, help="Run the poll DAG with `airflow dags test` instead of in-process."),
) -> None:
    """Offline demo: replay bundled feeds on loopback, poll them, deliver alerts to a local receiver."""
    from care_monitor.demo import run_demo

    run_demo(workdir, use_airflow=airflow, console=console)


# --- entry point ----------------------------------------------------------------------


def _known_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import OperationalError

    from care_monitor.secrets import SecretError
    from care_monitor.sources.errors import SourceError
    from care_monitor.report.errors import ReportError
    from care_monitor.storage.db import StorageError

    return (ConfigError, SecretError, SourceError, StorageError, ReportError, OperationalError, LookupError)


def main() -> None:
    import click

    try:
        # Without standalone mode click returns (not raises) the code of a `typer.Exit`.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except _known_errors() as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        err_console.print(f"[bold red]error:[/] {message}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
