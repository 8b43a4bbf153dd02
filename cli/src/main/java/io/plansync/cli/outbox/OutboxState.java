package io.plansync.cli.outbox;

/** The states of an outbox row, as payment-service names them. */
public enum OutboxState {
    pending, retrying, dead, done
}
