-- payment-service schema: Stripe customers and payments, received Stripe events, the plan each user has paid for,
-- and the outbox that carries every plan change to identity-service.

create table customers (
    user_id            uuid primary key,
    stripe_customer_id text        not null unique,
    created_at         timestamptz not null default now()
);

create table payments (
    payment_intent_id text primary key,
    user_id           uuid        not null,
    plan              text        not null,
    amount            bigint      not null,
    currency          text        not null,
    status            text        not null check (status in ('created', 'succeeded', 'failed', 'refunded')),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create index payments_user on payments (user_id);

-- Every Stripe event received, once: the primary key is the dedupe.
create table stripe_events (
    event_id          text primary key,
    type              text        not null,
    event_created_at  timestamptz not null,              -- Stripe's "created"
    outcome           text        not null check (outcome in ('accepted', 'rejected', 'ignored', 'recorded')),
    reason            text,
    payment_intent_id text,
    user_id           uuid,
    received_at       timestamptz not null default now()
);

-- The plan payment-service believes each user holds. source_event_at orders changes: older never overwrites newer.
create table user_plans (
    user_id           uuid primary key,
    plan              text        not null,
    status            text        not null,
    payment_intent_id text,
    source_event_id   text        not null,
    source_event_at   timestamptz not null,
    updated_at        timestamptz not null default now()
);

-- Plan changes waiting for, or done with, delivery to identity-service. Rows are never deleted automatically.
create table outbox (
    id              bigserial primary key,
    user_id         uuid        not null,
    plan            text        not null,
    status          text        not null,
    event_id        text        not null,
    source_event_at timestamptz not null,
    state           text        not null default 'pending' check (state in ('pending', 'retrying', 'dead', 'done')),
    attempts        int         not null default 0,
    last_error      text,
    next_attempt_at timestamptz not null default now(),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index outbox_due on outbox (next_attempt_at, id) where state in ('pending', 'retrying');
create index outbox_state on outbox (state, id);
create index outbox_user on outbox (user_id, id);

create table outbox_attempts (
    id           bigserial primary key,
    outbox_id    bigint      not null references outbox (id),
    attempted_at timestamptz not null default now(),
    outcome      text        not null,   -- delivered, retry, dead
    http_status  int,
    error        text
);
create index outbox_attempts_row on outbox_attempts (outbox_id, id);

-- Wake the relays as soon as a plan change commits (they also poll as a backstop).
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('plansync_outbox', '');
    return null;
end;
$$;
create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();

create table signing_keys (
    kid             text primary key,
    private_key_pem text        not null,
    created_at      timestamptz not null default now()
);
