-- Operations: who did what through the admin endpoints, and the correlation id that follows a plan change.

create table operator_audit (
    id          bigserial primary key,
    occurred_at timestamptz not null default now(),
    actor       text        not null,   -- user id from the operator's token
    action      text        not null,   -- list, show, replay, replay-all, reconcile
    target      text,                   -- the rows or filter acted on
    result      text        not null
);
create index operator_audit_time on operator_audit (occurred_at);

alter table outbox add column correlation_id text;

-- The last reconciliation run's figures, for the CLI and for operators.
create table reconciliation_runs (
    id                bigserial primary key,
    started_at        timestamptz not null default now(),
    finished_at       timestamptz,
    dry_run           boolean     not null,
    checked           int         not null default 0,
    drifted           int         not null default 0,
    enqueued          int         not null default 0,
    failed            int         not null default 0,
    stripe_events     int         not null default 0,
    stripe_recovered  int         not null default 0
);
