-- The billing pages' rate limits (Bucket4j's PostgreSQL backend), here so every replica shares one count: one row per
-- limit and client address or account. Written only through io.plansync.payment.billing.BillingRateLimits.
create table rate_limit_buckets (
    id         text primary key,   -- limit name, its rate, ':' and the address or account
    state      bytea,              -- Bucket4j's serialized bucket
    expires_at bigint              -- epoch milliseconds when the bucket is full again; then the row can go
);
create index rate_limit_buckets_expiry on rate_limit_buckets (expires_at);
