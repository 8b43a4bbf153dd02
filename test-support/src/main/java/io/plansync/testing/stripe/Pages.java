package io.plansync.testing.stripe;

import com.google.gson.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The hosted pages' stand-ins: minimal server-rendered HTML forms, no JavaScript. */
final class Pages {
    private static final String BANNER = "<p style=\"background:#fee;padding:.5em;border:1px solid #c00\">"
            + "<strong>Not Stripe.</strong> PlanSync's Stripe emulator for tests and local runs: no card exists "
            + "and no money moves.</p>";

    private Pages() {
    }

    static String index() {
        return page("PlanSync Stripe emulator", "<h1>PlanSync Stripe emulator</h1>"
                + "<p>The Stripe API subset is under <code>/v1</code>; admin endpoints under <code>/__emulator</code>"
                + " (see dev/stripe-emulator/README.md).</p>");
    }

    static String checkout(JsonObject session, List<JsonObject> lineItems, String message) {
        StringBuilder body = new StringBuilder("<h1>Checkout</h1>");
        if (message != null) {
            body.append("<p role=\"alert\" style=\"color:#c00\">").append(esc(message)).append("</p>");
        }
        body.append("<ul>");
        for (JsonObject item : lineItems) {
            JsonObject price = item.getAsJsonObject("price");
            body.append("<li>").append(esc(Json.str(item, "description"))).append(": ")
                    .append(money(Json.num(price, "unit_amount"), Json.str(price, "currency")));
            JsonObject recurring = price.getAsJsonObject("recurring");
            if (recurring != null) {
                body.append(" per ").append(esc(Json.str(recurring, "interval")));
            }
            body.append(" (price <code>").append(esc(Json.str(price, "id"))).append("</code>)</li>");
        }
        body.append("</ul>");
        String id = Json.str(session, "id");
        if ("open".equals(Json.str(session, "status")) && "setup".equals(Json.str(session, "mode"))) {
            String action = "/__emulator/checkout/" + esc(id);
            body.append("<p>Save a card for later payments; nothing is charged now.</p>")
                    .append(form(action, "card", "visa", "Save Visa ending 4242"))
                    .append(form(action, "card", "mastercard", "Save Mastercard ending 4444"));
            if (Json.str(session, "cancel_url") != null) {
                body.append("<p><a href=\"").append(action).append("/cancel\">Back</a></p>");
            }
        } else if ("open".equals(Json.str(session, "status"))) {
            String action = "/__emulator/checkout/" + esc(id);
            body.append(form(action, "card", "good", "Pay"))
                    .append(form(action, "card", "fails_renewals", "Pay with a failing card (accepted now, "
                            + "declined at every renewal)"))
                    .append(form(action, "card", "declined", "Pay with a card that is declined now"));
            if (Json.str(session, "cancel_url") != null) {
                body.append("<p><a href=\"").append(action).append("/cancel\">Back</a></p>");
            }
        } else {
            body.append("<p>Status: ").append(esc(Json.str(session, "status"))).append("</p>");
        }
        return page("Checkout " + id, body.toString());
    }

    /** The card-entry stand-in for a SetupIntent (Stripe Elements in real life): two test cards to add. */
    static String setup(JsonObject intent, String returnUrl) {
        String id = Json.str(intent, "id");
        StringBuilder body = new StringBuilder("<h1>Add a card</h1>");
        if ("requires_payment_method".equals(Json.str(intent, "status"))) {
            String action = "/__emulator/setup/" + esc(id);
            String hidden = returnUrl == null ? "" : "<input type=\"hidden\" name=\"return_url\" value=\""
                    + esc(returnUrl) + "\">";
            body.append(form(action, "card", "visa", "Add Visa ending 4242", hidden))
                    .append(form(action, "card", "mastercard", "Add Mastercard ending 4444", hidden));
        } else {
            body.append("<p>Status: ").append(esc(Json.str(intent, "status"))).append("</p>");
        }
        return page("Setup " + id, body.toString());
    }

    static String portal(JsonObject session, List<JsonObject> subscriptions, List<JsonObject> prices,
                         Map<String, String> productNames) {
        String id = Json.str(session, "id");
        String action = "/__emulator/portal/" + esc(id);
        StringBuilder body = new StringBuilder("<h1>Billing portal</h1><p>Customer <code>")
                .append(esc(Json.str(session, "customer"))).append("</code></p>");
        if (subscriptions.isEmpty()) {
            body.append("<p>No subscriptions.</p>");
        }
        for (JsonObject subscription : subscriptions) {
            JsonObject item = subscription.getAsJsonObject("items").getAsJsonArray("data").get(0).getAsJsonObject();
            JsonObject price = item.getAsJsonObject("price");
            String subscriptionId = Json.str(subscription, "id");
            String status = Json.str(subscription, "status");
            body.append("<section><h2>").append(esc(productNames.getOrDefault(Json.str(price, "id"),
                            Json.str(price, "id")))).append("</h2><p>Subscription <code>").append(esc(subscriptionId))
                    .append("</code>, price <code>").append(esc(Json.str(price, "id"))).append("</code>, status <b>")
                    .append(esc(status)).append("</b>, current period ends ")
                    .append(Instant.ofEpochSecond(Json.num(subscription, "current_period_end")));
            if (Json.bool(subscription, "cancel_at_period_end")) {
                body.append(", <b>cancels at period end</b>");
            }
            body.append("</p>");
            if (!"canceled".equals(status)) {
                String hidden = "<input type=\"hidden\" name=\"subscription\" value=\"" + esc(subscriptionId) + "\">";
                if (Json.bool(subscription, "cancel_at_period_end")) {
                    body.append(form(action, "action", "renew", "Don't cancel", hidden));
                } else {
                    body.append(form(action, "action", "cancel", "Cancel at period end", hidden));
                }
                for (JsonObject other : prices) {
                    String otherId = Json.str(other, "id");
                    if (!otherId.equals(Json.str(price, "id"))
                            && Json.str(other, "currency").equals(Json.str(price, "currency"))) {
                        body.append(form(action, "action", "switch", "Switch to " + productNames.get(otherId) + " ("
                                        + otherId + ", " + money(Json.num(other, "unit_amount"),
                                        Json.str(other, "currency")) + ")",
                                hidden + "<input type=\"hidden\" name=\"price\" value=\"" + esc(otherId) + "\">"));
                    }
                }
            }
            body.append("</section>");
        }
        String returnUrl = Json.str(session, "return_url");
        if (returnUrl != null) {
            body.append("<p><a href=\"").append(esc(returnUrl)).append("\">Return</a></p>");
        }
        return page("Billing portal " + id, body.toString());
    }

    private static String form(String action, String name, String value, String label) {
        return form(action, name, value, label, "");
    }

    private static String form(String action, String name, String value, String label, String extra) {
        return "<form method=\"post\" action=\"" + action + "\">" + extra + "<input type=\"hidden\" name=\""
                + esc(name) + "\" value=\"" + esc(value) + "\"><button type=\"submit\">" + esc(label)
                + "</button></form>";
    }

    private static String money(Long amount, String currency) {
        return amount == null ? "?" : String.format("%d.%02d %s", amount / 100, amount % 100,
                currency.toUpperCase());
    }

    private static String page(String title, String body) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " - PlanSync Stripe emulator (not Stripe)</title></head><body>" + BANNER + body + "</body></html>";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
