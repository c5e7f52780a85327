-- Mentions per local day of the reported week, by source platform and sentiment label.
-- Parameters: brand; d0 .. d7 are the UTC instants of local midnight that cut the week into
-- its seven days (a day across a daylight-saving change is 23 or 25 hours long).
WITH week_mentions AS (
    SELECT
        CASE
            WHEN mb.created_at < :d1 THEN 0
            WHEN mb.created_at < :d2 THEN 1
            WHEN mb.created_at < :d3 THEN 2
            WHEN mb.created_at < :d4 THEN 3
            WHEN mb.created_at < :d5 THEN 4
            WHEN mb.created_at < :d6 THEN 5
            ELSE 6
        END AS day_index,
        m.source AS source,
        COALESCE(mb.sentiment_label, 'unscored') AS label
    FROM mention_brands AS mb
    JOIN mentions AS m ON m.id = mb.mention_id
    WHERE mb.brand = :brand
      AND mb.created_at >= :d0
      AND mb.created_at < :d7
)
SELECT day_index, source, label, COUNT(*) AS mentions
FROM week_mentions
GROUP BY day_index, source, label
ORDER BY day_index, source, label
