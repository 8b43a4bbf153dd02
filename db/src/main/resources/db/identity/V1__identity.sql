-- identity-service schema: users, credentials, tokens, and the plan-change audit trail.

create table users (
    id              uuid primary key,
    email           text        not null,
    password_hash   text        not null,
    roles           text        not null default 'user',   -- space separated
    plan            text        not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
    status          text        not null default 'active' check (status in ('active', 'inactive')),
    -- time of the source event of the current plan; an older change never overwrites it
    plan_changed_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

-- Event ids already applied through PUT /admin/users/{id}/plan, so a redelivery changes nothing.
create table applied_plan_events (
    event_id   text primary key,
    user_id    uuid        not null references users (id),
    applied_at timestamptz not null default now()
);

-- Failed logins, kept in the database so the lock-out holds across restarts and replicas.
create table login_failures (
    id        bigserial primary key,
    email     text        not null,   -- lower-cased
    failed_at timestamptz not null default now()
);
create index login_failures_email_time on login_failures (email, failed_at);

-- Opaque refresh tokens, stored as SHA-256 hashes; single use, rotated within a family.
create table refresh_tokens (
    token_hash bytea primary key,
    family_id  uuid        not null,
    user_id    uuid        not null references users (id),
    issued_at  timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at    timestamptz,
    revoked_at timestamptz
);
create index refresh_tokens_family on refresh_tokens (family_id);

-- Generated signing keys, used only when no key is configured, so restarts and replicas agree.
create table signing_keys (
    kid             text primary key,
    private_key_pem text        not null,
    created_at      timestamptz not null default now()
);

-- jti values of accepted service tokens, kept until the token would have expired: a replay is refused.
create table service_token_replays (
    issuer     text        not null,
    jti        text        not null,
    expires_at timestamptz not null,
    primary key (issuer, jti)
);
create index service_token_replays_expiry on service_token_replays (expires_at);

-- Every attempt to change a plan, accepted or refused. Append only (see trigger below).
create table plan_change_audit (
    id               bigserial primary key,
    occurred_at      timestamptz not null default now(),
    actor_type       text        not null check (actor_type in ('user', 'service', 'anonymous')),
    actor_id         text,
    token_jti        text,
    target_user_id   text,
    from_plan        text,
    from_status      text,
    to_plan          text,
    to_status        text,
    updated_by       text,
    event_id         text,
    source_timestamp timestamptz,
    result           text        not null,   -- applied, stale, duplicate, refused
    http_status      int         not null,
    code             text
);
create index plan_change_audit_target on plan_change_audit (target_user_id, occurred_at);

create function plan_change_audit_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'plan_change_audit is append only';
end;
$$;
create trigger plan_change_audit_no_update_or_delete
    before update or delete on plan_change_audit
    for each row execute function plan_change_audit_append_only();
