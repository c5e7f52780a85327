-- Speed of alerting: alerts raised in the reported week for the brand's negative mentions,
-- the time from each post's publication to its alert (nearest-rank median and p90, seconds),
-- and what became of their deliveries.
-- Parameters: brand; start and end bound the week.
-- epoch_seconds(x) is the one dialect macro: the runner expands it for SQLite or PostgreSQL.
WITH brand_alerts AS (
    SELECT
        a.id,
        epoch_seconds(a.created_at) - epoch_seconds(m.created_at) AS delay_s
    FROM alerts AS a
    JOIN mentions AS m ON m.id = a.mention_id
    JOIN mention_brands AS mb ON mb.mention_id = m.id AND mb.brand = :brand
    WHERE a.kind = 'negative_mention'
      AND a.created_at >= :start
      AND a.created_at < :end
),
ranked AS (
    SELECT
        delay_s,
        ROW_NUMBER() OVER (ORDER BY delay_s) AS rn,
        COUNT(*) OVER () AS n
    FROM brand_alerts
),
deliveries AS (
    SELECT d.alert_id, d.status
    FROM alert_deliveries AS d
    JOIN brand_alerts AS ba ON ba.id = d.alert_id
)
SELECT
    (SELECT COUNT(*) FROM brand_alerts) AS raised,
    (SELECT MIN(delay_s) FROM ranked WHERE rn >= 0.5 * n) AS median_s,
    (SELECT MIN(delay_s) FROM ranked WHERE rn >= 0.9 * n) AS p90_s,
    (SELECT COUNT(DISTINCT alert_id) FROM deliveries WHERE status = 'sent') AS delivered,
    (SELECT COUNT(*) FROM deliveries WHERE status = 'failed') AS failed_deliveries,
    (SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'sending')) AS pending_deliveries
