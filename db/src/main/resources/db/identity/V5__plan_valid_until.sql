-- The end of the time a user's plan was paid for (null: it does not expire, as a one-time purchase). Past it the
-- user holds the free plan, whatever payment-service or Stripe can say at that moment.
alter table users add column plan_valid_until timestamptz;
