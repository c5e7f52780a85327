-- Share of voice: mentions and sentiment of the brand and its competitors in the reported
-- week (weeks_ago 0) and the week before (weeks_ago 1).
-- Parameters: brands (the brand and the configured competitors); b3, b4, b5 bound the two weeks.
SELECT
    mb.brand AS brand,
    CASE WHEN mb.created_at < :b4 THEN 1 ELSE 0 END AS weeks_ago,
    COUNT(*) AS mentions,
    SUM(CASE WHEN mb.sentiment_label = 'positive' THEN 1 ELSE 0 END)
        AS positive,
    SUM(CASE WHEN mb.sentiment_label = 'negative' THEN 1 ELSE 0 END)
        AS negative
FROM mention_brands AS mb
WHERE mb.brand IN :brands
  AND mb.created_at >= :b3
  AND mb.created_at < :b5
GROUP BY mb.brand, CASE WHEN mb.created_at < :b4 THEN 1 ELSE 0 END
ORDER BY mb.brand, weeks_ago
