"""One poll cycle, composed from the layers: fetch -> match -> score -> store -> raise alerts.

The Airflow DAGs and the CLI both call these functions; nothing here knows about either.
A stream's cursor moves only after every page it covers has been committed, so a crash
mid-run re-fetches (and the upsert de-duplicates) instead of skipping posts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from care_monitor.alerting.outbox import DeliveryReport, deliver_configured
from care_monitor.config import Config, SourceConfig
from care_monitor.health import HealthChange, evaluate_health
from care_monitor.matching import BrandMatcher
from care_monitor.mention import Mention
from care_monitor.sentiment import Scorer, detect_language
from care_monitor.sources import source_class
from care_monitor.sources.base import Source, SourceError, StreamResult
from care_monitor.sources.http import HttpClient, HttpStats
from care_monitor.storage.repository import Storage

log = logging.getLogger(__name__)


@dataclass
class StreamOutcome:
    source: str
    stream: str
    status: str = "ok"  # ok | error
    fetched: int = 0
    matched: int = 0
    stored_new: int = 0
    alerts_raised: int = 0
    pages: int = 0
    truncated: bool = False
    rate_limited_waits: int = 0
    error: str | None = None


@dataclass(frozen=True)
class CheckResult:
    source: str
    ok: bool
    detail: str


@dataclass
class PollReport:
    outcomes: list[StreamOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[StreamOutcome]:
        return [o for o in self.outcomes if o.status != "ok"]

    def total(self, attribute: str) -> int:
        return sum(getattr(o, attribute) for o in self.outcomes)


class Pipeline:
    """Polls configured sources into storage. Build once per process; cheap to reuse."""

    def __init__(
        self,
        config: Config,
        storage: Storage,
        *,
        scorer: Scorer | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.storage = storage
        self.matcher = BrandMatcher(config.brands)
        self._scorer = scorer
        self._sleep = sleep
        self._channel_names = [channel.name for channel in config.alerts.channels]
        self._own_brands = [brand.name for brand in config.brands if not brand.competitor]

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            brands = self.config.brands
            self._scorer = Scorer(
                brand_lexicons={b.name: b.lexicon for b in brands},
                brand_terms={b.name: b.terms() for b in brands},
            )
        return self._scorer

    # --- composition ----------------------------------------------------------------

    def build_source(self, source_config: SourceConfig, **client_options) -> Source:
        options = {"timeout": source_config.timeout, "sleep": self._sleep, **client_options}
        return source_class(source_config.type)(source_config, HttpClient(source_config.name, **options))

    def check_source(self, name: str) -> CheckResult:
        """Fetch and parse the first page of a source's first stream, once, storing nothing."""
        source_config = self.config.source(name)
        try:
            source = self.build_source(source_config, max_retries=0, timeout=min(source_config.timeout, 10))
            stream = source.streams()[0]
            request = source.first_request(stream, None)
            records = source.parse_page(stream, source.client.get(source.authenticate(request)))
        except (SourceError, ValueError, KeyError, TypeError) as error:
            return CheckResult(name, ok=False, detail=str(error))
        return CheckResult(name, ok=True, detail=f"{stream}: {len(records)} records on the first page")

    def poll(
        self,
        source_names: Iterable[str] | None = None,
        on_stream_done: Callable[[StreamOutcome], None] | None = None,
    ) -> PollReport:
        """One cycle of the named sources (default: every enabled source)."""
        names = list(source_names) if source_names is not None else self.enabled_source_names()
        report = PollReport()
        for name in names:
            for outcome in self.poll_source(name, on_stream_done=on_stream_done):
                report.outcomes.append(outcome)
        return report

    def enabled_source_names(self) -> list[str]:
        return [s.name for s in self.config.sources if s.enabled]

    def due_source_names(self, now: datetime) -> list[str]:
        """Enabled sources whose `poll_interval` has elapsed since their last poll started."""
        last_started: dict[str, datetime] = {}
        for run in self.storage.latest_source_runs():
            previous = last_started.get(run.source_name)
            if previous is None or run.started_at > previous:
                last_started[run.source_name] = run.started_at
        # A little slack so a 5-minute source polled by a 5-minute schedule is never skipped.
        slack = timedelta(seconds=30)
        return [
            s.name
            for s in self.config.sources
            if s.enabled
            and (s.name not in last_started
                 or now - last_started[s.name] + slack >= timedelta(seconds=s.poll_interval))
        ]

    def poll_source(
        self, name: str, on_stream_done: Callable[[StreamOutcome], None] | None = None
    ) -> list[StreamOutcome]:
        source_config = self.config.source(name)
        try:
            source = self.build_source(source_config)
            streams = source.streams()
            self._resume_quota(source)
        except (SourceError, ValueError) as error:
            outcome = StreamOutcome(source=name, stream="*", status="error", error=str(error))
            self._record_setup_failure(source_config, outcome)
            return [outcome]
        outcomes = []
        for stream in streams:
            outcome = self.poll_stream(source, stream)
            outcomes.append(outcome)
            if on_stream_done:
                on_stream_done(outcome)
        if source.refreshes_engagement:
            self.refresh_engagement(source)
        return outcomes

    def _resume_quota(self, source: Source) -> None:
        runs = [r for r in self.storage.latest_source_runs()
                if r.source_name == source.name and r.quota_remaining is not None]
        if runs:
            last = max(runs, key=lambda r: r.started_at)
            source.resume_quota(last.quota_remaining, last.finished_at or last.started_at)

    def refresh_engagement(self, source: Source, *, window: timedelta = timedelta(hours=48), limit: int = 500) -> int:
        """Re-read the engagement of this platform's recent stored posts (likes, replies, reach
        keep growing after a post is first stored). Their scores and labels stay as they are."""
        since = datetime.now(timezone.utc) - window
        recent = self.storage.list_mentions(source=source.platform, since=since, limit=limit)
        try:
            refreshed = source.refresh_engagement([m.external_id for m in recent])
        except SourceError as error:
            log.warning("%s: engagement refresh failed: %s", source.name, error)
            return 0
        for mention in refreshed:
            mention.source_name = source.name
        if refreshed:
            self.storage.upsert_mentions(refreshed)
        return len(refreshed)

    def poll_stream(self, source: Source, stream: str) -> StreamOutcome:
        outcome = StreamOutcome(source=source.name, stream=stream)
        source.client.stats = HttpStats()
        run_id = self.storage.start_source_run(source.name, source.type, stream)
        cursor = self.storage.get_cursor(source.name, stream)
        result = StreamResult(stream=stream, old_cursor=cursor)
        try:
            for page in source.fetch_stream(stream, cursor, result):
                self._store_page(page.mentions, outcome)
            if result.new_cursor is not None and result.new_cursor != cursor:
                self.storage.set_cursor(source.name, stream, result.new_cursor)
        except SourceError as error:
            outcome.status, outcome.error = "error", str(error)
            log.warning("%s", error)
        outcome.fetched, outcome.pages, outcome.truncated = result.fetched, result.pages, result.truncated
        stats = source.client.stats
        outcome.rate_limited_waits = stats.rate_limited_waits
        self.storage.finish_source_run(
            run_id,
            outcome.status,
            error=outcome.error,
            pages=result.pages,
            items_fetched=result.fetched,
            mentions_stored=outcome.stored_new,
            pages_skipped=1 if outcome.status == "error" else 0,
            truncated=result.truncated,
            rate_limited_waits=stats.rate_limited_waits,
            waited_seconds=stats.waited_seconds,
            retries=stats.retries,
            quota_remaining=stats.quota_remaining,
        )
        return outcome

    def _record_setup_failure(self, source_config: SourceConfig, outcome: StreamOutcome) -> None:
        run_id = self.storage.start_source_run(source_config.name, source_config.type, "*")
        self.storage.finish_source_run(run_id, "error", error=outcome.error)

    # --- one batch: match, score, store, alert ---------------------------------------

    def _store_page(self, mentions: list[Mention], outcome: StreamOutcome) -> None:
        relevant = [m for m in mentions if self.classify(m)]
        outcome.matched += len(relevant)
        if not relevant:
            return
        upserted = self.storage.upsert_mentions(relevant)
        outcome.stored_new += upserted.inserted
        alert_ids = self.storage.raise_mention_alerts(
            upserted.ids, self.config.alerts.threshold, self._channel_names, brands=self._own_brands
        )
        outcome.alerts_raised += len(alert_ids)

    def classify(self, mention: Mention) -> bool:
        """Match brands and score one mention in place; False when it mentions no brand."""
        text = mention.full_text
        brands = self.matcher.match(text, mention.language)
        if not brands and mention.language is None and self.matcher.uses_languages:
            brands = self.matcher.match(text, detect_language(text))
        if not brands:
            return False
        own = [b for b in brands if not self.config.brand(b).competitor]
        result = self.scorer.score(
            text, brand=(own or brands)[0], language=mention.language, rating=mention.rating
        )
        mention.brands = brands
        mention.language = result.language or mention.language
        mention.sentiment_label = result.label
        mention.sentiment_score = result.score
        mention.sentiment_reasons = list(result.reasons)
        return True

    def check_health(self, now: datetime | None = None) -> list[HealthChange]:
        """Raise one "source unhealthy" (and later one "recovered") alert per episode."""
        return evaluate_health(self.storage, self.config, now)

    def deliver(self, *, limit: int = 200) -> DeliveryReport:
        return deliver_configured(self.storage, self.config.alerts, limit=limit)
