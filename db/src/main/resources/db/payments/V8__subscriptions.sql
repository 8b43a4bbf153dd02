-- Subscriptions (Stripe Billing). A webhook about a subscription only stores its event and asks for a refresh;
-- a worker then reads the subscription's current state from Stripe and records it here, so that the state is
-- Stripe's whatever order the events arrived in (see README: "Subscriptions, and events out of order").

-- Each subscription as last read from Stripe, with what it grants (io.plansync.payment.subscriptions).
create table subscriptions (
    subscription_id      text primary key,
    user_id              uuid        not null,
    customer_id          text        not null,
    price_id             text,
    plan                 text,                   -- from the catalog by price; null: a price the catalog lacks
    stripe_status        text        not null,   -- Stripe's: active, trialing, past_due, canceled, unpaid, ...
    plan_status          text        not null,   -- what the user's plan shows: io.plansync.contracts.PlanStatus
    current_period_start timestamptz,
    current_period_end   timestamptz,
    cancel_at_period_end boolean     not null default false,
    valid_until          timestamptz,            -- the end of paid time plus any grace; null when it grants nothing
    stripe_created_at    timestamptz,
    refreshed_at         timestamptz not null default now(),
    created_at           timestamptz not null default now()
);
create index subscriptions_user on subscriptions (user_id);

-- Subscriptions whose state must be read from Stripe again. A webhook adds one (or raises its generation); the
-- worker removes it only after recording a state read after the newest request. Never expires: a subscription that
-- cannot be read is retried with backoff, or kept as 'refused' with the reason for an operator.
create table subscription_refreshes (
    subscription_id text primary key,
    generation      bigint      not null default 1,
    state           text        not null default 'pending' check (state in ('pending', 'refused')),
    attempts        int         not null default 0,
    last_error      text,
    next_attempt_at timestamptz not null default now(),
    requested_at    timestamptz not null default now()
);
create index subscription_refreshes_due on subscription_refreshes (next_attempt_at) where state = 'pending';

alter table stripe_events add column subscription_id text;

-- What the user's plan is valid until (null: no end), carried to identity-service with the plan.
alter table user_plans add column valid_until timestamptz;
alter table user_plans add column subscription_id text;
alter table outbox add column valid_until timestamptz;
