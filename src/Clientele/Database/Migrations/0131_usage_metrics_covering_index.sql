-- The health evidence and the expansion detector read each customer's last 90 (60) days of
-- usage_metrics. Rows arrive day by day for every customer, so one customer's 90 days sit on 90
-- heap pages: at 100,000 customers (36.5M rows) the nightly sweep read ~90,000 pages per chunk of
-- 1,000 and took 1.5 s per chunk in that one query (bench/health). This index holds the columns
-- those reads use, in customer order, so they are index-only scans over a few adjacent leaf pages.
-- It is a separate index, not INCLUDE on the unique key: the API names a unique violation's fields
-- from its index's columns.
CREATE INDEX idx_usage_metrics_customer_days ON usage_metrics (organization_id, customer_id, metric_date)
  INCLUDE (dau, mau, login_count, api_calls, adoption_score, active_users);
