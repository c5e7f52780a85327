-- Complaint themes, input: the text of the brand's negative mentions in the reported week and
-- the four weeks before it, streamed in batches (the vectoriser counts terms batch by batch).
-- Within the reported week the most damaging posts come first, so the first post that
-- contains a term is that term's example.
-- Parameters: brand; b0 .. b5 bound the five weeks, oldest first.
SELECT
    CASE WHEN mb.created_at >= :b4 THEN 0 ELSE 1 END AS is_baseline,
    m.id,
    COALESCE(m.language, 'unknown') AS language,
    COALESCE(m.title, '') AS title,
    m.text
FROM mention_brands AS mb
JOIN mentions AS m ON m.id = mb.mention_id
WHERE mb.brand = :brand
  AND mb.created_at >= :b0
  AND mb.created_at < :b5
  AND COALESCE(m.corrected_label, m.sentiment_label) = 'negative'
ORDER BY
    CASE WHEN mb.created_at >= :b4 THEN 0 ELSE 1 END,
    (0.0 - COALESCE(m.sentiment_score, 0.0)) * (COALESCE(m.author_followers, 0) + 1) DESC,
    m.id
