-- Per-client-address rate limits (Bucket4j's PostgreSQL backend), here so every replica shares one count.
-- Written only by io.plansync.identity.limits.RateLimits through Bucket4j: one row per limit and address.
create table rate_limit_buckets (
    id         text primary key,   -- limit name ':' client address
    state      bytea,              -- Bucket4j's serialized bucket
    expires_at bigint              -- epoch milliseconds when the bucket is full again; then the row can go
);
create index rate_limit_buckets_expiry on rate_limit_buckets (expires_at);
