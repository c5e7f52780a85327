-- Coverage: every poll each configured source made in the reported week, whether it
-- succeeded, and what it could not fetch (rate-limit waits, skipped pages, truncated runs,
-- the lowest remaining quota), with the latest error message.
-- Parameters: start and end bound the week.
SELECT
    r.source_name,
    COUNT(*) AS runs,
    COUNT(DISTINCT r.stream) AS streams,
    SUM(CASE WHEN r.status = 'ok' THEN 1 ELSE 0 END) AS ok_runs,
    SUM(CASE WHEN r.status = 'error' THEN 1 ELSE 0 END) AS error_runs,
    SUM(r.rate_limited_waits) AS rate_limited_waits,
    SUM(r.pages_skipped) AS pages_skipped,
    SUM(CASE WHEN r.truncated THEN 1 ELSE 0 END) AS truncated_runs,
    MIN(r.quota_remaining) AS min_quota_remaining,
    (SELECT e.error
       FROM source_runs AS e
      WHERE e.source_name = r.source_name
        AND e.status = 'error'
        AND e.started_at >= :start
        AND e.started_at < :end
      ORDER BY e.started_at DESC, e.id DESC
      LIMIT 1) AS last_error
FROM source_runs AS r
WHERE r.started_at >= :start
  AND r.started_at < :end
GROUP BY r.source_name
ORDER BY r.source_name
