-- View mentions_per_brand_day: mentions per brand and UTC day, split by effective sentiment
-- (a person's correction counts instead of the score).  Installed by `care-monitor db upgrade`.
-- Days are the first ten characters of the stored UTC time: SQLite stores text, and the
-- project's PostgreSQL sessions run in UTC (see care_monitor/storage/db.py).
SELECT
    mb.brand,
    SUBSTR(CAST(mb.created_at AS TEXT), 1, 10) AS day,
    COUNT(*) AS mentions,
    SUM(CASE WHEN mb.sentiment_label = 'negative' THEN 1 ELSE 0 END) AS negative,
    SUM(CASE WHEN mb.sentiment_label = 'neutral' THEN 1 ELSE 0 END) AS neutral,
    SUM(CASE WHEN mb.sentiment_label = 'positive' THEN 1 ELSE 0 END) AS positive,
    SUM(CASE WHEN mb.sentiment_label IS NULL THEN 1 ELSE 0 END) AS unscored
FROM mention_brands AS mb
GROUP BY mb.brand, SUBSTR(CAST(mb.created_at AS TEXT), 1, 10)
