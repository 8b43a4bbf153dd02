-- A user's plan is derived from their payments: the newest succeeded payment that is not refunded. succeeded_at is
-- the time of that payment's payment_intent.succeeded event (Stripe's "created").
alter table payments add column succeeded_at timestamptz;
create index payments_user_succeeded on payments (user_id, succeeded_at desc) where status = 'succeeded';
