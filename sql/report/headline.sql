-- Headline: one brand's mentions, sentiment and negative reach in the reported week and the
-- four weeks before it, one row per week (weeks_ago 0 is the reported week).
-- Parameters: brand; b0 .. b5 are the UTC instants of local Monday 00.00 that bound the five
-- weeks, oldest first (the reported week is b4 to b5).
-- Labels come from mention_brands.sentiment_label: the effective label (a person's correction
-- replaces the model's label there too), so label filters use the per-brand indexes.
WITH brand_mentions AS (
    SELECT
        CASE
            WHEN mb.created_at < :b1 THEN 4
            WHEN mb.created_at < :b2 THEN 3
            WHEN mb.created_at < :b3 THEN 2
            WHEN mb.created_at < :b4 THEN 1
            ELSE 0
        END AS weeks_ago,
        mb.sentiment_label AS label,
        COALESCE(m.author_followers, 0) AS followers
    FROM mention_brands AS mb
    JOIN mentions AS m ON m.id = mb.mention_id
    WHERE mb.brand = :brand
      AND mb.created_at >= :b0
      AND mb.created_at < :b5
)
SELECT
    weeks_ago,
    COUNT(*) AS mentions,
    SUM(CASE WHEN label = 'positive' THEN 1 ELSE 0 END) AS positive,
    SUM(CASE WHEN label = 'neutral' THEN 1 ELSE 0 END) AS neutral,
    SUM(CASE WHEN label = 'negative' THEN 1 ELSE 0 END) AS negative,
    CAST(SUM(CASE WHEN label = 'negative' THEN followers ELSE 0 END) AS BIGINT) AS negative_reach
FROM brand_mentions
GROUP BY weeks_ago
ORDER BY weeks_ago
