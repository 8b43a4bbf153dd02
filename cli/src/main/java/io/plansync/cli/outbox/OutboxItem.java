package io.plansync.cli.outbox;

import com.google.gson.JsonObject;
import io.plansync.cli.http.ApiClient;
import io.plansync.contracts.OutboxState;

/** One outbox row as payment-service shows it to operators. */
record OutboxItem(String id, String userId, String plan, String status, String state, String attempts,
                  String lastError, String nextAttemptAt, String eventId, String createdAt, String updatedAt) {

    static OutboxItem of(JsonObject json) {
        return new OutboxItem(ApiClient.text(json, "id"), ApiClient.text(json, "userId"),
                ApiClient.text(json, "plan"), ApiClient.text(json, "status"), ApiClient.text(json, "state"),
                ApiClient.text(json, "attempts"), ApiClient.text(json, "lastError"),
                ApiClient.text(json, "nextAttemptAt"), ApiClient.text(json, "eventId"),
                ApiClient.text(json, "createdAt"), ApiClient.text(json, "updatedAt"));
    }

    /** When the relay tries next; nothing for rows it no longer tries (done, or dead until replayed). */
    String nextAttempt() {
        boolean settled = OutboxState.fromWire(state).filter(s -> !s.waiting()).isPresent();
        return settled ? null : nextAttemptAt;
    }
}
