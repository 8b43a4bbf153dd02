-- pgbench script: the database work of one accepted payment_intent.succeeded, in one transaction, as
-- payment-service's HandleStripeEvent + PlanChangeRecorder do it (dedupe insert, payment upsert, plan upsert,
-- outbox insert, one commit). Run against a database with the payments schema (db/payments).
\set n random(1, 1000000000)
\set user random(1, 1000)
BEGIN;
INSERT INTO stripe_events (event_id, type, event_created_at, outcome, payment_intent_id, user_id)
  VALUES ('evt_pgb_' || :client_id || '_' || :n || '_' || md5(random()::text), 'payment_intent.succeeded', now(),
          'accepted', 'pi_pgb_' || :n, ('00000000-0000-0000-0000-' || lpad(:user::text, 12, '0'))::uuid)
  ON CONFLICT (event_id) DO NOTHING;
SELECT status FROM payments WHERE payment_intent_id = 'pi_pgb_' || :n;
INSERT INTO payments (payment_intent_id, user_id, plan, amount, currency, status)
  VALUES ('pi_pgb_' || :n || '_' || md5(random()::text), ('00000000-0000-0000-0000-' || lpad(:user::text, 12, '0'))::uuid,
          'pro', 2900, 'usd', 'succeeded')
  ON CONFLICT (payment_intent_id) DO UPDATE SET status = 'succeeded', updated_at = now()
  WHERE payments.status IN ('created', 'failed');
INSERT INTO user_plans (user_id, plan, status, payment_intent_id, source_event_id, source_event_at)
  VALUES (('00000000-0000-0000-0000-' || lpad(:user::text, 12, '0'))::uuid, 'pro', 'active', 'pi_pgb_' || :n,
          'evt_pgb_' || :n, now())
  ON CONFLICT (user_id) DO UPDATE SET plan = excluded.plan, status = excluded.status,
    payment_intent_id = excluded.payment_intent_id, source_event_id = excluded.source_event_id,
    source_event_at = excluded.source_event_at, updated_at = now()
  WHERE user_plans.source_event_at <= excluded.source_event_at;
INSERT INTO outbox (user_id, plan, status, event_id, source_event_at, state)
  VALUES (('00000000-0000-0000-0000-' || lpad(:user::text, 12, '0'))::uuid, 'pro', 'active', 'evt_pgb_' || :n, now(),
          'pending');
COMMIT;
