-- Languages and sources: the brand's mentions (and negative ones) per language and per
-- source platform, in the reported week (weeks_ago 0) and the week before (weeks_ago 1).
-- Parameters: brand; b3, b4, b5 bound the two weeks.
WITH two_weeks AS (
    SELECT
        CASE WHEN mb.created_at < :b4 THEN 1 ELSE 0 END AS weeks_ago,
        COALESCE(m.language, 'unknown') AS language,
        m.source AS source,
        CASE WHEN mb.sentiment_label = 'negative' THEN 1 ELSE 0 END
            AS is_negative
    FROM mention_brands AS mb
    JOIN mentions AS m ON m.id = mb.mention_id
    WHERE mb.brand = :brand
      AND mb.created_at >= :b3
      AND mb.created_at < :b5
)
SELECT 'language' AS dimension, language AS value, weeks_ago,
       COUNT(*) AS mentions, SUM(is_negative) AS negative
FROM two_weeks
GROUP BY language, weeks_ago
UNION ALL
SELECT 'source' AS dimension, source AS value, weeks_ago,
       COUNT(*) AS mentions, SUM(is_negative) AS negative
FROM two_weeks
GROUP BY source, weeks_ago
ORDER BY dimension, value, weeks_ago
