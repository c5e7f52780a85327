-- Complaint themes, input: the text of the brand's negative mentions in the reported week and
-- the four weeks before it, streamed in batches (the vectoriser counts terms batch by batch).
-- Posts are taken most damaging first (negativity times reach), at most current_cap from the
-- reported week and baseline_cap (four times as many) from the four weeks before, so the
-- work is bounded however busy the week; within the reported week the first post that
-- contains a term is that term's example.
-- Parameters: brand; b0 .. b5 bound the five weeks, oldest first; current_cap, baseline_cap.
WITH negatives AS (
    SELECT
        CASE WHEN mb.created_at >= :b4 THEN 0 ELSE 1 END AS is_baseline,
        m.id,
        COALESCE(m.language, 'unknown') AS language,
        COALESCE(m.title, '') AS title,
        m.text,
        (0.0 - COALESCE(m.sentiment_score, 0.0)) * (COALESCE(m.author_followers, 0) + 1) AS damage
    FROM mention_brands AS mb
    JOIN mentions AS m ON m.id = mb.mention_id
    WHERE mb.brand = :brand
      AND mb.created_at >= :b0
      AND mb.created_at < :b5
      AND mb.sentiment_label = 'negative'
),
ranked AS (
    SELECT
        negatives.*,
        ROW_NUMBER() OVER (PARTITION BY is_baseline ORDER BY damage DESC, id) AS rn
    FROM negatives
)
SELECT is_baseline, id, language, title, text
FROM ranked
WHERE (is_baseline = 0 AND rn <= :current_cap)
   OR (is_baseline = 1 AND rn <= :baseline_cap)
ORDER BY is_baseline, rn
