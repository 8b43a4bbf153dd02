package io.plansync.cli.http;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * JSON over HTTP to one service. Every outcome other than a 2xx answer with JSON becomes a {@link CliFailure} with
 * a one-line message and its exit code: 4xx is 2 (refused), 5xx and network failures are 3 (unavailable).
 * Errors in application/problem+json are shown as {@code error: <detail> (<code>)}.
 */
public final class ApiClient {
    private static final Gson GSON = new Gson();

    private final String service;
    private final String baseUrl;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param service shown in messages, e.g. "payment-service"
     * @param baseUrl e.g. http://localhost:8082
     * @param token   the bearer token to send, or null
     */
    public ApiClient(String service, String baseUrl, String token, Duration timeout) {
        this.service = service;
        this.baseUrl = stripTrailingSlash(baseUrl);
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A base URL as the operator typed it, checked: http or https, with a host. Exit 1 otherwise. */
    public static String checkedBaseUrl(String option, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new CliFailure(Exit.USAGE, option + " must be an http(s) URL like http://localhost:8082, not '"
                        + url + "'");
            }
            return stripTrailingSlash(url);
        } catch (java.net.URISyntaxException e) {
            throw new CliFailure(Exit.USAGE, option + " is not a valid URL: '" + url + "'");
        }
    }

    /** Query parameters in order; null values are left out. */
    public static Map<String, String> query(String... namesAndValues) {
        Map<String, String> query = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                query.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return query;
    }

    public JsonElement get(String path, Map<String, String> query) {
        return send(request(path, query).GET().build());
    }

    /** POSTs {@code body} as JSON (an empty body when null). */
    public JsonElement post(String path, Map<String, String> query, Object body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(GSON.toJson(body), StandardCharsets.UTF_8);
        HttpRequest.Builder request = request(path, query).POST(publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request.build());
    }

    /** A JSON object answer, or exit 3 if the service sent something else. */
    public static JsonObject object(String service, JsonElement answer) {
        if (answer == null || !answer.isJsonObject()) {
            throw new CliFailure(Exit.UNAVAILABLE, service + " sent an unexpected answer (not a JSON object)");
        }
        return answer.getAsJsonObject();
    }

    public String service() {
        return service;
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> joined.add(encode(name) + "=" + encode(value)));
        URI uri;
        try {
            uri = URI.create(baseUrl + path + joined);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(Exit.USAGE, "not a valid URL: " + baseUrl + path);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "plansync-cli");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private JsonElement send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within " + seconds(timeout));
        } catch (HttpTimeoutException e) {
            throw new CliFailure(Exit.UNAVAILABLE, service + " at " + baseUrl + " did not answer within "
                    + seconds(timeout));
        } catch (IOException e) {
            throw unreachable(networkReason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(Exit.UNAVAILABLE, "interrupted while waiting for " + service);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            String body = response.body();
            if (body == null || body.isBlank()) {
                return JsonNull.INSTANCE;
            }
            try {
                return JsonParser.parseString(body);
            } catch (JsonParseException e) {
                throw new CliFailure(Exit.UNAVAILABLE, service + " sent an answer that is not JSON (HTTP " + status
                        + ")");
            }
        }
        throw error(status, response.body());
    }

    private CliFailure unreachable(String reason) {
        return new CliFailure(Exit.UNAVAILABLE, "cannot reach " + service + " at " + baseUrl + ": " + reason);
    }

    private ServiceError error(int status, String body) {
        int exitCode = status >= 400 && status < 500 ? Exit.REFUSED : Exit.UNAVAILABLE;
        JsonObject problem = problemOf(body);
        String code = text(problem, "code");
        String detail = text(problem, "detail");
        if (detail == null) {
            detail = text(problem, "title");
        }
        List<String> lines = new ArrayList<>();
        if (detail == null) {
            lines.add("error: " + service + " answered HTTP " + status + (code == null ? "" : " (" + code + ")"));
        } else {
            lines.add("error: " + oneLine(detail) + " (" + (code != null ? code : "HTTP " + status) + ")");
        }
        if (problem != null && problem.has("errors") && problem.get("errors").isJsonArray()) {
            for (JsonElement fieldError : problem.getAsJsonArray("errors")) {
                if (fieldError.isJsonObject()) {
                    String field = text(fieldError.getAsJsonObject(), "field");
                    String message = text(fieldError.getAsJsonObject(), "message");
                    lines.add("  " + (field == null ? "?" : field) + ": " + (message == null ? "is invalid"
                            : oneLine(message)));
                }
            }
        }
        if (token != null && status == 401) {
            lines.add("hint: the token was refused or has expired (access tokens last 15 minutes): "
                    + "run plansync login again");
        } else if (token != null && status == 403) {
            lines.add("hint: this needs an account with the admin or operator role");
        }
        return new ServiceError(exitCode, status, code, lines);
    }

    private static JsonObject problemOf(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonElement parsed = JsonParser.parseString(body);
            return parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            return null;
        }
    }

    /** A string member, or null when it is missing, null or not a string. */
    public static String text(JsonObject object, String member) {
        if (object == null) {
            return null;
        }
        JsonElement value = object.get(member);
        return value == null || value.isJsonNull() || !value.isJsonPrimitive() ? null : value.getAsString();
    }

    private static String networkReason(IOException e) {
        boolean connectFailed = false;
        String connectMessage = null;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return "unknown host";
            }
            if (cause instanceof ConnectException) {
                connectFailed = true;
                if (connectMessage == null && cause.getMessage() != null && !cause.getMessage().isBlank()) {
                    connectMessage = cause.getMessage().toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        if (connectFailed) {
            return connectMessage != null ? connectMessage : "connection refused";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : oneLine(e.getMessage());
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String stripTrailingSlash(String url) {
        String stripped = url;
        while (stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }
}
