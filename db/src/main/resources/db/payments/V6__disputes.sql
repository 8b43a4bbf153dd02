-- Disputes move a payment too (io.plansync.payment.ledger.PaymentStatus): an open dispute suspends the plan the
-- payment bought, a won one restores it, a lost one keeps it revoked.
alter table payments drop constraint payments_status_check;
alter table payments add constraint payments_status_check
    check (status in ('created', 'succeeded', 'failed', 'refunded', 'disputed', 'dispute_won', 'dispute_lost'));

-- The plan rule reads a user's newest payment whose status grants a plan.
drop index payments_user_succeeded;
create index payments_user_granting on payments (user_id, succeeded_at desc)
    where status in ('succeeded', 'dispute_won');
