-- The mapping of each user to their Stripe customer is a sensitive record of its own: which flow created it, how it
-- was verified (the customer's metadata carries the user id), when it was last checked against Stripe, and an
-- append-only trail of every read and change (io.plansync.payment.checkout.CustomerAccounts).
alter table customers add column created_by text not null default 'checkout';
alter table customers add column verified_by text not null default 'customer metadata userId';
alter table customers add column last_validated_at timestamptz not null default now();

create table customer_mapping_audit (
    id                 bigserial primary key,
    occurred_at        timestamptz not null default now(),
    user_id            uuid        not null,
    stripe_customer_id text,
    action             text        not null,   -- created, read, validated, validation_failed
    flow               text        not null,   -- what asked: payment-intent, subscription-checkout, billing-portal, daily
    detail             text
);
create index customer_mapping_audit_user on customer_mapping_audit (user_id, id);

create function customer_mapping_audit_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'customer_mapping_audit is append-only';
end;
$$;
create trigger customer_mapping_audit_no_change before update or delete on customer_mapping_audit
    for each row execute function customer_mapping_audit_append_only();
create trigger customer_mapping_audit_no_truncate before truncate on customer_mapping_audit
    for each statement execute function customer_mapping_audit_append_only();
