-- First response: of the brand's negative mentions published in the reported week, how many
-- carry a first-response time, how long the answer took (nearest-rank median and p90, seconds)
-- and how many were answered within the team's target.
-- Parameters: brand; start and end bound the week; target_s is the target in seconds.
WITH negatives AS (
    SELECT
        CASE
            WHEN m.first_response_at IS NULL THEN NULL
            ELSE epoch_seconds(m.first_response_at) - epoch_seconds(m.created_at)
        END AS response_s
    FROM mention_brands AS mb
    JOIN mentions AS m ON m.id = mb.mention_id
    WHERE mb.brand = :brand
      AND mb.created_at >= :start
      AND mb.created_at < :end
      AND mb.sentiment_label = 'negative'
),
ranked AS (
    SELECT
        response_s,
        ROW_NUMBER() OVER (ORDER BY response_s) AS rn,
        COUNT(*) OVER () AS n
    FROM negatives
    WHERE response_s IS NOT NULL
)
SELECT
    (SELECT COUNT(*) FROM negatives) AS negatives,
    (SELECT COUNT(*) FROM ranked) AS answered,
    (SELECT COUNT(*) FROM ranked WHERE response_s <= :target_s) AS within_target,
    (SELECT MIN(response_s) FROM ranked WHERE rn >= 0.5 * n) AS median_s,
    (SELECT MIN(response_s) FROM ranked WHERE rn >= 0.9 * n) AS p90_s
