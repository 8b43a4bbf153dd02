package io.plansync.cli.outbox;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;
import io.plansync.cli.http.ApiClient;
import io.plansync.contracts.OutboxState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** payment-service's /admin/outbox endpoints. */
final class OutboxApi {
    private final ApiClient payment;

    OutboxApi(ApiClient payment) {
        this.payment = payment;
    }

    record Page(List<JsonObject> items, String nextCursor) {
    }

    /** GET /admin/outbox: one page, oldest first. */
    Page page(OutboxState state, UUID userId, Integer limit, String cursor) {
        JsonObject answer = ApiClient.object(payment.service(), payment.get("/admin/outbox", ApiClient.query(
                "state", state.wire(),
                "userId", userId == null ? null : userId.toString(),
                "limit", limit == null ? null : limit.toString(),
                "cursor", cursor)));
        JsonElement items = answer.get("items");
        if (items == null || !items.isJsonArray()) {
            throw unexpected("no items");
        }
        List<JsonObject> rows = new ArrayList<>();
        for (JsonElement item : items.getAsJsonArray()) {
            if (!item.isJsonObject()) {
                throw unexpected("an item is not an object");
            }
            rows.add(item.getAsJsonObject());
        }
        return new Page(rows, ApiClient.text(answer, "nextCursor"));
    }

    /** Every matching row: follows nextCursor to the end. */
    List<JsonObject> all(OutboxState state, UUID userId, Integer limit) {
        List<JsonObject> rows = new ArrayList<>();
        Set<String> cursorsSeen = new HashSet<>();
        String cursor = null;
        do {
            Page page = page(state, userId, limit, cursor);
            rows.addAll(page.items());
            cursor = page.nextCursor();
            if (cursor != null && !cursorsSeen.add(cursor)) {
                throw unexpected("the same nextCursor twice");
            }
        } while (cursor != null);
        return rows;
    }

    /** GET /admin/outbox/{id}: the row, its correlation id and its attempt history. */
    JsonObject show(long id) {
        return ApiClient.object(payment.service(), payment.get("/admin/outbox/" + id, Map.of()));
    }

    /** POST /admin/outbox/{id}/replay. */
    JsonObject replay(long id, boolean force) {
        return ApiClient.object(payment.service(), payment.post("/admin/outbox/" + id + "/replay",
                force ? ApiClient.query("force", "true") : Map.of(), null));
    }

    /** POST /admin/outbox/replay: every dead row matching; answers how many were replayed. */
    long replayDead(UUID userId, String since) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", OutboxState.DEAD.wire());
        if (userId != null) {
            body.put("userId", userId.toString());
        }
        if (since != null) {
            body.put("since", since);
        }
        JsonObject answer = ApiClient.object(payment.service(), payment.post("/admin/outbox/replay", Map.of(), body));
        JsonElement replayed = answer.get("replayed");
        if (replayed == null || !replayed.isJsonPrimitive() || !replayed.getAsJsonPrimitive().isNumber()) {
            throw unexpected("no replayed count");
        }
        return replayed.getAsLong();
    }

    static JsonArray array(List<JsonObject> items) {
        JsonArray array = new JsonArray();
        items.forEach(array::add);
        return array;
    }

    private CliFailure unexpected(String what) {
        return new CliFailure(Exit.UNAVAILABLE, payment.service() + " sent an unexpected outbox answer (" + what + ")");
    }
}
