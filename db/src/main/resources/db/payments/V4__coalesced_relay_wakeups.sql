-- One NOTIFY per inserted outbox row cost more database CPU than the webhook's own statements (NOTIFY serialises
-- committing transactions and wakes every listening relay for each one). payment-service now sends one NOTIFY for
-- all the rows committed within a few milliseconds (OutboxNotifier); relays still poll as a backstop.
drop trigger outbox_notify on outbox;
drop function outbox_notify();
