-- The newest negative mentions of one brand (effective label: corrections count).
-- Parameters: brand, limit.  Uses ix_mention_brands_brand_label_created.
SELECT
    m.id,
    m.source,
    m.created_at,
    m.author_handle,
    m.author_followers,
    m.sentiment_score,
    m.sentiment_reasons,
    m.url,
    m.text
FROM mention_brands AS mb
JOIN mentions AS m ON m.id = mb.mention_id
WHERE mb.brand = :brand
  AND mb.sentiment_label = 'negative'
ORDER BY mb.created_at DESC, m.id DESC
LIMIT :limit
