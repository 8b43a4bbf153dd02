package io.plansync.testing.stripe;

import com.google.gson.JsonObject;

/** An error answered in Stripe's shape: {@code {"error":{"type","code","message","param"}}}. */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String code;
    final String param;
    final String declineCode;

    ApiError(int status, String type, String code, String message, String param, String declineCode) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.declineCode = declineCode;
    }

    static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", "parameter_invalid", message, param, null);
    }

    static ApiError missing(String param) {
        return new ApiError(400, "invalid_request_error", "parameter_missing", "Missing required param: " + param + ".",
                param, null);
    }

    static ApiError unknown(String param) {
        return new ApiError(400, "invalid_request_error", "parameter_unknown", "Received unknown parameter: " + param
                + " (the PlanSync Stripe emulator does not support it)", param, null);
    }

    static ApiError noSuch(String kind, String id, String param) {
        return new ApiError(404, "invalid_request_error", "resource_missing", "No such " + kind + ": '" + id + "'",
                param, null);
    }

    static ApiError noSuchParam(String kind, String id, String param) {
        return new ApiError(400, "invalid_request_error", "resource_missing", "No such " + kind + ": '" + id + "'",
                param, null);
    }

    JsonObject toJson() {
        JsonObject error = new JsonObject();
        error.addProperty("type", type);
        if (code != null) {
            error.addProperty("code", code);
        }
        if (declineCode != null) {
            error.addProperty("decline_code", declineCode);
        }
        error.addProperty("message", getMessage());
        if (param != null) {
            error.addProperty("param", param);
        }
        JsonObject body = new JsonObject();
        body.add("error", error);
        return body;
    }
}
