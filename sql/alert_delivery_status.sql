-- The outbox at a glance: deliveries per channel and status, the oldest one, the latest send
-- and the most attempts any of them took.  'dead' rows gave up after alerts.max_attempts.
SELECT
    d.channel,
    d.status,
    COUNT(*) AS deliveries,
    MIN(d.created_at) AS oldest_created_at,
    MAX(d.sent_at) AS last_sent_at,
    MAX(d.attempts) AS most_attempts
FROM alert_deliveries AS d
GROUP BY d.channel, d.status
ORDER BY d.channel, d.status
