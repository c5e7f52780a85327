-- The reported week's most damaging negative mentions: ranked by negativity (minus the
-- sentiment score) times reach (author followers + 1, so a post without a follower count still
-- ranks by its negativity), with whether an alert went out and when it was first delivered.
-- Parameters: brand; start and end bound the week; top is the number of rows.
WITH negatives AS MATERIALIZED (  -- the week's rows first, then rank (not the reverse)
    SELECT
        m.id,
        m.source,
        m.url,
        m.author_handle,
        m.author_name,
        m.author_followers,
        m.title,
        m.text,
        m.language,
        m.created_at,
        m.sentiment_score,
        m.sentiment_reasons,
        (0.0 - COALESCE(m.sentiment_score, 0.0)) * (COALESCE(m.author_followers, 0) + 1) AS damage
    FROM mention_brands AS mb
    JOIN mentions AS m ON m.id = mb.mention_id
    WHERE mb.brand = :brand
      AND mb.created_at >= :start
      AND mb.created_at < :end
      AND mb.sentiment_label = 'negative'
)
SELECT
    n.*,
    a.id AS alert_id,
    a.created_at AS alert_created_at,
    (SELECT MIN(d.sent_at)
       FROM alert_deliveries AS d
      WHERE d.alert_id = a.id AND d.status = 'sent') AS alert_sent_at
FROM negatives AS n
LEFT JOIN alerts AS a ON a.mention_id = n.id AND a.kind = 'negative_mention'
ORDER BY n.damage DESC, n.created_at DESC, n.id
LIMIT :top
