package io.plansync.cli;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** Answers as payment-service's and identity-service's contracts say, served by WireMock. */
public final class FakePaymentService {
    public static final String TOKEN = "eyJ0eXAiOiJhdCtqd3QifQ.secret-operator-token.sig";
    public static final String USER = "6f1c2a7e-5a0b-4c9e-9d1e-0b6a3c1f2e4d";
    private static final Gson GSON = new GsonBuilder().serializeNulls().create();

    private FakePaymentService() {
    }

    /** A WireMock server on a free port, to hold in a static {@code @RegisterExtension} field. */
    public static WireMockExtension onFreePort() {
        return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    }

    public static Map<String, Object> item(long id, String state, int attempts, String lastError) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", id);
        item.put("userId", USER);
        item.put("plan", "pro");
        item.put("status", "active");
        item.put("state", state);
        item.put("attempts", attempts);
        item.put("lastError", lastError);
        item.put("nextAttemptAt", "2025-03-01T10:15:30.123456Z");
        item.put("eventId", "evt_" + id);
        item.put("createdAt", "2025-03-01T10:00:00.5Z");
        item.put("updatedAt", "2025-03-01T10:15:31.000001Z");
        return item;
    }

    public static String page(List<Map<String, Object>> items, String nextCursor) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        page.put("nextCursor", nextCursor);
        return GSON.toJson(page);
    }

    public static String json(Object value) {
        return GSON.toJson(value);
    }

    public static ResponseDefinitionBuilder ok(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json);
    }

    public static ResponseDefinitionBuilder problem(int status, String code, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "urn:plansync:problem:" + code.toLowerCase().replace('_', '-'));
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("code", code);
        return aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                .withBody(GSON.toJson(problem));
    }
}
