"""Building one brand's weekly report: run the SQL files, shape their rows into ReportData.

All counting happens in SQL; Python only reshapes the aggregated rows (and the themes, which
stream the negative texts through a vectoriser in batches).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from care_monitor.config import Brand, Config
from care_monitor.report import queries
from care_monitor.report.errors import ReportError
from care_monitor.report.model import (
    Alerted,
    BreakdownRow,
    Coverage,
    CoverageRow,
    Daily,
    LanguageThemes,
    Metric,
    NegativePost,
    ReportData,
    Response,
    Speed,
    Theme,
    ThemeExample,
    VoiceShare,
    WeekFigures,
)
from care_monitor.report.summary import summary_sentence
from care_monitor.report.themes import BASELINE_WEEKS, POSTS_PER_WEEK_CAP, ThemeCounter
from care_monitor.report.week import IsoWeek

EXCERPT_CHARS = 280
HISTORY_WEEKS = 4
DEGRADED_BELOW = 0.9
LABELS = ("positive", "neutral", "negative")


def resolve_brand(config: Config, name: str) -> Brand:
    for brand in config.brands:
        if brand.name.lower() == name.lower():
            return brand
    known = ", ".join(b.name for b in config.brands)
    raise ReportError(f"unknown brand {name!r} (configured: {known})")


def week_boundaries(week: IsoWeek, tz: str) -> list[datetime]:
    """b0..b5: local Monday midnights (UTC) bounding the four weeks before `week` and `week`."""
    return [week.shifted(-HISTORY_WEEKS + i).bounds(tz)[0] for i in range(HISTORY_WEEKS + 1)] + [
        week.bounds(tz)[1]
    ]


def build_report(
    conn: Connection, config: Config, brand_name: str, week: IsoWeek, *, now: datetime | None = None
) -> ReportData:
    brand = resolve_brand(config, brand_name)
    tz = config.timezone
    b = week_boundaries(week, tz)
    bounds = {f"b{i}": value for i, value in enumerate(b)}
    start, end = b[4], b[5]

    weeks = _weeks(conn, brand.name, bounds)
    headline = _headline(weeks)
    top = _top_negatives(conn, brand.name, start, end, config.report.top_negatives)
    coverage = _coverage(conn, config, start, end)
    data = ReportData(
        brand=brand.name,
        week=str(week),
        timezone=tz,
        period_start=start.astimezone(ZoneInfo(tz)),
        period_end=end.astimezone(ZoneInfo(tz)),
        generated_at=(now or datetime.now(timezone.utc)).astimezone(ZoneInfo(tz)),
        headline=headline,
        summary="",
        daily=_daily(conn, brand.name, week, tz),
        share_of_voice=_share_of_voice(conn, config, brand, bounds),
        top_negatives=top,
        themes=_themes(conn, config, brand, bounds),
        speed=_speed(conn, brand.name, start, end, config.report.response_target),
        languages=[],
        sources=[],
        coverage=coverage,
        weeks=weeks,
    )
    data.languages, data.sources = _breakdown(conn, brand.name, bounds)
    data.summary = summary_sentence(data)
    return data


def _weeks(conn: Connection, brand: str, bounds: dict) -> list[WeekFigures]:
    rows = {r["weeks_ago"]: r for r in queries.fetch_all(conn, "headline", brand=brand, **bounds)}
    weeks = []
    for weeks_ago in range(HISTORY_WEEKS + 1):
        row = rows.get(weeks_ago)
        weeks.append(
            WeekFigures(
                mentions=queries.as_int(row["mentions"]),
                positive=queries.as_int(row["positive"]),
                neutral=queries.as_int(row["neutral"]),
                negative=queries.as_int(row["negative"]),
                negative_reach=queries.as_int(row["negative_reach"]),
            )
            if row
            else WeekFigures()
        )
    return weeks


def _headline(weeks: list[WeekFigures]) -> list[Metric]:
    current, previous, history = weeks[0], weeks[1], weeks[1:]
    pooled = WeekFigures(
        mentions=sum(w.mentions for w in history),
        positive=sum(w.positive for w in history),
        neutral=sum(w.neutral for w in history),
        negative=sum(w.negative for w in history),
        negative_reach=sum(w.negative_reach for w in history),
    )
    n = len(history)
    return [
        Metric("mentions", "Mentions", current.mentions, previous.mentions, pooled.mentions / n),
        Metric(
            "net_sentiment", "Net sentiment", current.net_sentiment, previous.net_sentiment,
            pooled.net_sentiment, kind="signed", higher_is_better=True,
        ),
        Metric(
            "negative_share", "Negative share", current.negative_share, previous.negative_share,
            pooled.negative_share, kind="ratio", higher_is_better=False,
        ),
        Metric(
            "negative_reach", "Reach of negative posts", current.negative_reach,
            previous.negative_reach, pooled.negative_reach / n, higher_is_better=False,
        ),
    ]


def _daily(conn: Connection, brand: str, week: IsoWeek, tz: str) -> Daily:
    day_bounds = {f"d{i}": value for i, value in enumerate(week.day_bounds(tz))}
    by_source: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    by_label: dict[str, list[int]] = {label: [0] * 7 for label in LABELS}
    for row in queries.fetch_all(conn, "daily", brand=brand, **day_bounds):
        day, count = int(row["day_index"]), queries.as_int(row["mentions"])
        by_source[row["source"]][day] += count
        by_label.setdefault(row["label"], [0] * 7)[day] += count
    days = [d.strftime("%a %d %b") for d in week.days()]
    return Daily(days=days, by_source=dict(sorted(by_source.items())), by_label=by_label)


def _share_of_voice(conn: Connection, config: Config, brand: Brand, bounds: dict) -> list[VoiceShare]:
    competitors = [b.name for b in config.brands if b.competitor and b.name != brand.name]
    names = [brand.name, *competitors]
    rows = queries.fetch_all(
        conn, "share_of_voice", brands=names, b3=bounds["b3"], b4=bounds["b4"], b5=bounds["b5"]
    )
    figures: dict[tuple[str, int], WeekFigures] = {
        (r["brand"], int(r["weeks_ago"])): WeekFigures(
            mentions=queries.as_int(r["mentions"]),
            positive=queries.as_int(r["positive"]),
            negative=queries.as_int(r["negative"]),
        )
        for r in rows
    }
    totals = [sum(figures.get((name, w), WeekFigures()).mentions for name in names) for w in (0, 1)]
    shares = []
    for name in names:
        now, before = figures.get((name, 0), WeekFigures()), figures.get((name, 1), WeekFigures())
        shares.append(
            VoiceShare(
                brand=name,
                is_subject=name == brand.name,
                mentions=now.mentions,
                share=now.mentions / totals[0] if totals[0] else None,
                net_sentiment=now.net_sentiment,
                previous_mentions=before.mentions,
                previous_share=before.mentions / totals[1] if totals[1] else None,
                previous_net_sentiment=before.net_sentiment,
            )
        )
    return shares


def excerpt(title: str | None, text: str | None, limit: int = EXCERPT_CHARS) -> str:
    body = " ".join(filter(None, [title if title and title not in (text or "") else None, text]))
    body = " ".join(body.split())
    return body if len(body) <= limit else body[: limit - 1].rstrip() + "…"


def author_label(handle: str | None, name: str | None) -> str:
    if handle and name and name != handle:
        return f"{name} (@{handle.lstrip('@')})"
    if handle:
        return f"@{handle.lstrip('@')}"
    return name or "unknown author"


def _top_negatives(conn: Connection, brand: str, start, end, top: int) -> list[NegativePost]:
    posts = []
    for r in queries.fetch_all(conn, "top_negatives", brand=brand, start=start, end=end, top=top):
        alert = None
        if r["alert_id"] is not None:
            alert = Alerted(
                alert_id=int(r["alert_id"]),
                raised_at=queries.as_utc(r["alert_created_at"]),
                delivered_at=queries.as_utc(r["alert_sent_at"]),
            )
        posts.append(
            NegativePost(
                mention_id=int(r["id"]),
                source=r["source"],
                url=r["url"],
                author=author_label(r["author_handle"], r["author_name"]),
                followers=r["author_followers"],
                excerpt=excerpt(r["title"], r["text"]),
                language=r["language"],
                published_at=queries.as_utc(r["created_at"]),
                score=r["sentiment_score"],
                damage=float(r["damage"]),
                reasons=queries.as_list(r["sentiment_reasons"]),
                alert=alert,
            )
        )
    return posts


def _excluded_terms(config: Config) -> set[str]:
    """Brand names and query terms appear in every post: they are not complaint themes."""
    words: set[str] = set()
    for brand in config.brands:
        terms = [brand.name]
        for query in brand.queries:
            terms += query.all + query.any + query.phrases
        for term in terms:
            words.update(w.strip("@#").lower() for w in term.split())
    return words


def _themes(conn: Connection, config: Config, brand: Brand, bounds: dict) -> list[LanguageThemes]:
    counter = ThemeCounter(excluded_terms=_excluded_terms(config))
    caps = {"current_cap": POSTS_PER_WEEK_CAP, "baseline_cap": POSTS_PER_WEEK_CAP * BASELINE_WEEKS}
    for batch in queries.stream(conn, "theme_texts", brand=brand.name, **caps, **bounds):
        counter.add_batch(batch)
    summaries = counter.themes()
    ids = sorted({t.example_id for s in summaries for t in s.themes})
    examples = {}
    if ids:
        for r in queries.fetch_all(conn, "theme_examples", ids=ids):
            examples[int(r["id"])] = ThemeExample(
                mention_id=int(r["id"]),
                excerpt=excerpt(r["title"], r["text"], 120),
                author=author_label(r["author_handle"], r["author_name"]),
                source=r["source"],
                url=r["url"],
            )
    return [
        LanguageThemes(
            language=s.language,
            negatives=s.negatives,
            baseline_negatives=s.baseline_negatives,
            themes=[
                Theme(t.term, t.count, t.baseline_weekly, t.rise, examples.get(t.example_id))
                for t in s.themes
            ],
        )
        for s in summaries
    ]


def _optional_int(value) -> int | None:
    return None if value is None else int(value)


def _speed(conn: Connection, brand: str, start, end, target_s: int) -> Speed:
    alerts = queries.fetch_all(conn, "speed_alerts", brand=brand, start=start, end=end)[0]
    response = queries.fetch_all(
        conn, "speed_response", brand=brand, start=start, end=end, target_s=target_s
    )[0]
    answered = queries.as_int(response["answered"])
    return Speed(
        alerts_raised=queries.as_int(alerts["raised"]),
        median_s=_optional_int(alerts["median_s"]),
        p90_s=_optional_int(alerts["p90_s"]),
        delivered=queries.as_int(alerts["delivered"]),
        failed_deliveries=queries.as_int(alerts["failed_deliveries"]),
        pending_deliveries=queries.as_int(alerts["pending_deliveries"]),
        response=Response(
            measured=answered > 0,
            negatives=queries.as_int(response["negatives"]),
            answered=answered,
            within_target=queries.as_int(response["within_target"]),
            target_s=target_s,
            median_s=_optional_int(response["median_s"]),
            p90_s=_optional_int(response["p90_s"]),
        ),
    )


def _breakdown(conn: Connection, brand: str, bounds: dict) -> tuple[list[BreakdownRow], list[BreakdownRow]]:
    cells: dict[tuple[str, str], dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in queries.fetch_all(
        conn, "breakdown", brand=brand, b3=bounds["b3"], b4=bounds["b4"], b5=bounds["b5"]
    ):
        cells[(r["dimension"], r["value"])][int(r["weeks_ago"])] = (
            queries.as_int(r["mentions"]),
            queries.as_int(r["negative"]),
        )
    result: dict[str, list[BreakdownRow]] = {"language": [], "source": []}
    for (dimension, value), weeks in cells.items():
        now = weeks.get(0, (0, 0))
        result[dimension].append(BreakdownRow(value, now[0], now[1], weeks.get(1, (0, 0))[0]))
    for rows in result.values():
        rows.sort(key=lambda r: (-r.mentions, -r.previous_mentions, r.value))
    return result["language"], result["source"]


def _coverage(conn: Connection, config: Config, start: datetime, end: datetime) -> Coverage:
    runs = {r["source_name"]: r for r in queries.fetch_all(conn, "coverage", start=start, end=end)}
    week_seconds = (end - start) / timedelta(seconds=1)
    rows = []
    configured = {s.name: s for s in config.sources if s.enabled}
    for name in sorted(set(configured) | set(runs)):
        source = configured.get(name)
        r = runs.get(name, {})
        streams = max(queries.as_int(r.get("streams")), 1)
        ok_runs = queries.as_int(r.get("ok_runs"))
        # round, not ceil: a 169-hour daylight-saving week still expects 7 daily polls
        expected = max(round(week_seconds / source.poll_interval), 1) * streams if source else None
        share = min(ok_runs / expected, 1.0) if expected else None
        errors = queries.as_int(r.get("error_runs"))
        waits = queries.as_int(r.get("rate_limited_waits"))
        skipped = queries.as_int(r.get("pages_skipped"))
        truncated = queries.as_int(r.get("truncated_runs"))
        if ok_runs == 0:
            status = "down"
        elif (share is not None and share < DEGRADED_BELOW) or errors or skipped or truncated:
            status = "degraded"
        else:
            status = "ok"
        rows.append(
            CoverageRow(
                source=name,
                source_type=source.type if source else None,
                expected_polls=expected,
                runs=queries.as_int(r.get("runs")),
                ok_runs=ok_runs,
                error_runs=errors,
                success_share=share,
                rate_limited_waits=waits,
                pages_skipped=skipped,
                truncated_runs=truncated,
                min_quota_remaining=_optional_int(r.get("min_quota_remaining")),
                last_error=r.get("last_error"),
                status=status,
            )
        )
    configured_rows = [row for row in rows if row.source in configured]
    all_down = bool(configured_rows) and all(row.status == "down" for row in configured_rows)
    degraded = [row.source for row in rows if row.status != "ok"]
    return Coverage(rows=rows, all_down=all_down, degraded=degraded)
