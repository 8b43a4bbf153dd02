-- A reconciliation is a job: its row is written when it starts and updated as it goes (phase, counts, a heartbeat),
-- so that the CLI can follow it and a run cut short by a dying replica shows as abandoned. Each drift it finds is
-- kept with its reason and the repair made.
alter table reconciliation_runs add column state text not null default 'done'
    check (state in ('running', 'done', 'failed'));
alter table reconciliation_runs add column phase text;
alter table reconciliation_runs add column requested_by text;
alter table reconciliation_runs add column users_total int not null default 0;
alter table reconciliation_runs add column subscriptions_checked int not null default 0;
alter table reconciliation_runs add column subscriptions_drifted int not null default 0;
alter table reconciliation_runs add column stripe_failed boolean not null default false;
alter table reconciliation_runs add column error text;
alter table reconciliation_runs add column heartbeat_at timestamptz not null default now();

create table reconciliation_drifts (
    id              bigserial primary key,
    run_id          bigint      not null references reconciliation_runs (id),
    user_id         uuid,
    subscription_id text,
    reason          text        not null,   -- io.plansync.payment.reconcile.Drift.Reason
    stripe_side     text,
    payment_side    text,
    identity_side   text,
    repair          text,                   -- what was done about it; null in a dry run or when only reported
    found_at        timestamptz not null default now()
);
create index reconciliation_drifts_run on reconciliation_drifts (run_id, id);
