-- The billing pages' server-side sessions (io.plansync.payment.billing). The browser holds only random values in
-- HttpOnly cookies; this table holds their SHA-256, so that a read of it gives no usable cookie. Replicas share it.
create table billing_sessions (
    id_hash              text primary key,
    user_id              uuid,                    -- null until the browser signs in
    csrf_hash            text        not null,
    previous_csrf_hash   text,                    -- accepted until csrf_rotated_at + the overlap
    csrf_rotated_at      timestamptz not null default now(),
    created_at           timestamptz not null default now(),
    last_seen_at         timestamptz not null default now(),
    expires_at           timestamptz not null,    -- the absolute timeout
    ended_at             timestamptz,             -- sign-out, or replaced at sign-in
    client_address       text,
    email                text                     -- shown on the pages; the user's own
);
create index billing_sessions_user on billing_sessions (user_id) where ended_at is null;
create index billing_sessions_expiry on billing_sessions (expires_at);
