package io.plansync.e2e;

import io.plansync.testing.stripe.StripeEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The billing pages in headless Chromium, against both services as processes and the Stripe emulator as Stripe:
 * register (with a script in the email, shown as text), subscribe through the hosted checkout page, watch the plan
 * arrive, cancel at period end in the portal page, sign out; cards saved on the hosted card page, made the default
 * and removed; and the refusals: a state-changing request without the CSRF header, the session's cookies replayed
 * after sign-out, an operation token used for another operation, a second time, or by another account. Screenshots
 * go to e2e/target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingPagesBrowserTest {
    private static final String PASSWORD = "a long enough password";
    private final StripeEmulator stripe = new StripeEmulator(StripeEmulator.Options.defaults());
    private final PlanSyncSystem system;
    private final Browser browser = new Browser();
    private final WebDriver driver = browser.driver;
    private final WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

    BillingPagesBrowserTest() {
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_pro_monthly", 2900, "usd"));
        stripe.createPrice(StripeEmulator.PriceSpec.monthly("price_enterprise_monthly", 9900, "usd"));
        system = new PlanSyncSystem(1, false, Map.of(), stripe);
    }

    @AfterAll
    void stop() {
        browser.close();
        system.close();
        stripe.close();
    }

    @Test
    void a_user_registers_subscribes_sees_the_plan_arrive_cancels_in_the_portal_and_signs_out() throws Exception {
        String billing = system.payment(0).url() + "/billing";
        driver.get(billing);
        assertThat(driver.findElement(By.id("plan-pro")).getText()).contains("Pro").contains("29.00 USD / month")
                .contains("api.access").doesNotContain("Subscribe:");
        browser.screenshot("billing-plans");

        // Register with a script in the email: shown as text, never run.
        String email = "<script>alert(1)</script>" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        driver.findElement(By.id("register-link")).click();
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.screenshot("billing-register");
        driver.findElement(By.id("register")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("my-billing")));
        assertThat(driver.findElement(By.cssSelector(".who strong")).getText()).isEqualTo(email);
        assertThat(driver.getPageSource()).doesNotContain("<script>alert(1)</script>");
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(driver.findElement(By.id("plan")).getText()).isEqualTo("free");

        Set<Cookie> cookies = driver.manage().getCookies();
        assertThat(cookies).extracting(Cookie::getName)
                .contains("plansync_billing_session", "plansync_billing_csrf");
        assertThat(cookies).filteredOn(c -> c.getName().startsWith("plansync_billing_")).allSatisfy(c -> {
            assertThat(c.isHttpOnly()).as(c.getName() + " HttpOnly").isTrue();
            assertThat(c.getSameSite()).as(c.getName() + " SameSite").isEqualTo("Strict");
            assertThat(c.getPath()).isEqualTo("/billing");
        });
        assertThat((String) ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return document.cookie")).as("no script reads either cookie").isEmpty();

        // A state-changing request without the CSRF header is refused, even from the page itself.
        Object refused = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/billing/portal', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                        + " body: '{}'}).then(r => r.json().then(b => done(r.status + ' ' + b.code)));");
        assertThat(refused).isEqualTo("403 CSRF_INVALID");
        Object forged = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/billing/portal', {method: 'POST', headers: {'Content-Type': 'application/json',"
                        + " 'X-CSRF-Token': 'forged-token'}, body: '{}'})"
                        + ".then(r => r.json().then(b => done(r.status + ' ' + b.code)));");
        assertThat(forged).as("a wrong CSRF header").isEqualTo("403 CSRF_INVALID");

        // The headers the browser gets with the page.
        Object headers = ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/billing').then(r => done([r.headers.get('content-security-policy'),"
                        + " r.headers.get('x-frame-options'), r.headers.get('referrer-policy'),"
                        + " r.headers.get('x-content-type-options')].join(' | ')));");
        assertThat((String) headers).contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").contains("| DENY | no-referrer | nosniff");

        // Subscribe: to the hosted checkout page (the emulator's), pay, and back to the return page.
        driver.findElement(By.id("subscribe-pro-month")).click();
        wait.until(ExpectedConditions.urlContains("/__emulator/checkout/"));
        browser.screenshot("stripe-checkout-emulator");
        driver.findElement(By.xpath("//button[normalize-space()='Pay']")).click();
        wait.withMessage(() -> "at " + driver.getCurrentUrl() + "; checkout asked with "
                        + stripe.requests("POST", "/v1/checkout/sessions").getLast().params())
                .until(ExpectedConditions.urlContains("/billing/return"));
        new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(() -> "the return page " + driver.getCurrentUrl() + " says: "
                        + driver.getPageSource())
                .until(ExpectedConditions.presenceOfElementLocated(By.id("arrived")));
        assertThat(driver.findElement(By.id("plan")).getText()).isEqualTo("pro");
        browser.screenshot("billing-return");

        driver.findElement(By.id("back")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("subscription")));
        assertThat(driver.findElement(By.id("plan")).getText()).isEqualTo("pro");
        assertThat(driver.findElement(By.id("subscription")).getText()).startsWith("active, renews");
        assertThat(driver.findElement(By.id("sync")).getText()).isEqualTo("synced");
        browser.screenshot("billing-my-billing");

        // The portal (the emulator's stand-in): cancel at period end, back to billing.
        driver.findElement(By.id("manage")).click();
        wait.until(ExpectedConditions.urlContains("/__emulator/portal/"));
        browser.screenshot("stripe-portal-emulator");
        driver.findElement(By.xpath("//button[normalize-space()='Cancel at period end']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.xpath("//button[normalize-space()=\"Don't cancel\"]")));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> {
            d.get(billing);
            return d.findElement(By.id("subscription")).getText().startsWith("active, ends");
        });
        assertThat(driver.findElement(By.id("plan")).getText()).as("pro until the period ends").isEqualTo("pro");

        // Sign out ends the session on the server: its cookies replayed are refused.
        String session = driver.manage().getCookieNamed("plansync_billing_session").getValue();
        String csrf = driver.manage().getCookieNamed("plansync_billing_csrf").getValue();
        driver.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlContains("/billing/sign-in"));
        browser.screenshot("billing-sign-in");
        HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(system.payment(0).url() + "/billing/portal"))
                .header("Cookie", "plansync_billing_session=" + session + "; plansync_billing_csrf=" + csrf)
                .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("SESSION_INVALID");

        // And back in with the same account.
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("my-billing")));
        assertThat(driver.findElement(By.id("plan")).getText()).isEqualTo("pro");
        assertThat(driver.manage().getCookieNamed("plansync_billing_session").getValue())
                .as("a new session at sign-in").isNotEqualTo(session);
    }

    @Test
    void cards_are_saved_on_stripes_page_made_default_and_removed_each_with_a_token_for_that_operation_only()
            throws Exception {
        String billing = system.payment(0).url() + "/billing";
        driver.manage().deleteAllCookies();
        register(billing, "cards-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cards-empty")));

        saveCard("Save Visa ending 4242");
        assertThat(driver.findElement(By.id("card-saved")).getText()).isEqualTo("Your card was saved.");
        saveCard("Save Mastercard ending 4444");
        cardRow("mastercard ending 4444").findElement(By.xpath(".//button[normalize-space()='Make default']"))
                .click();
        wait.until(d -> cardRow("mastercard ending 4444").getText().contains("Default"));
        assertThat(cardRow("visa ending 4242").getText()).doesNotContain("Default");
        browser.screenshot("billing-payment-methods");

        // Tokens asked for by a script on the page: each is good for its own operation, once.
        String read = pageFetch("return token('payment_methods:read')");
        String visa = cardRow("visa ending 4242").getAttribute("id").substring("card-".length());
        assertThat(pageFetch("return send('DELETE', '/billing/payment-methods/" + visa + "', '" + read + "')"))
                .as("a read token used to remove a card").isEqualTo("403 OPERATION_TOKEN_FORBIDDEN");
        assertThat(pageFetch("return send('GET', '/billing/payment-methods', '" + read + "')")).isEqualTo("200 ");
        assertThat(pageFetch("return send('GET', '/billing/payment-methods', '" + read + "')"))
                .as("the same token again").isEqualTo("401 OPERATION_TOKEN_INVALID");
        String unused = pageFetch("return token('payment_methods:delete')");

        cardRow("visa ending 4242").findElement(By.xpath(".//button[normalize-space()='Remove']")).click();
        wait.until(d -> d.findElements(By.xpath("//tr[td[contains(., 'visa ending 4242')]]")).isEmpty());
        assertThat(cardRow("mastercard ending 4444").getText()).contains("Default");

        // Another account in this browser cannot use the first account's token, unused and in time as it is.
        driver.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlContains("/billing/sign-in"));
        register(billing, "cards-other-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cards-empty")));
        saveCard("Save Visa ending 4242");
        String theirs = cardRow("visa ending 4242").getAttribute("id").substring("card-".length());
        assertThat(pageFetch("return send('DELETE', '/billing/payment-methods/" + theirs + "', '" + unused + "')"))
                .as("another customer's token").isEqualTo("403 OPERATION_TOKEN_FORBIDDEN");
        assertThat(driver.findElements(By.xpath("//tr[td[contains(., 'visa ending 4242')]]"))).hasSize(1);
    }

    private void register(String billing, String email) {
        driver.get(billing + "/register");
        driver.findElement(By.id("email")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.id("register")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("my-billing")));
    }

    /** "Add a card", the emulator's hosted card page, its button, and back on the billing page with the card. */
    private void saveCard(String button) throws java.io.IOException {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("add-card"))).click();
        wait.until(ExpectedConditions.urlContains("/__emulator/checkout/"));
        if (button.contains("Visa")) {
            browser.screenshot("stripe-card-emulator");
        }
        driver.findElement(By.xpath("//button[normalize-space()='" + button + "']")).click();
        wait.until(ExpectedConditions.urlContains("/billing?card=saved"));
        String label = button.replace("Save ", "").replace("Visa", "visa").replace("Mastercard", "mastercard");
        wait.until(d -> !d.findElements(By.xpath("//tr[td[contains(., '" + label + "')]]")).isEmpty());
    }

    private WebElement cardRow(String label) {
        return driver.findElement(By.xpath("//tr[td[contains(., '" + label + "')]]"));
    }

    /**
     * Runs a script on the page with two helpers, as an attacker's script on it could: token(category) asks for an
     * operation token, send(method, url, token) makes a card request; the answer is "status code".
     */
    private String pageFetch(String script) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const csrf = document.querySelector('meta[name=\"csrf-token\"]').content;"
                        + "const headers = {'Content-Type': 'application/json', 'X-CSRF-Token': csrf};"
                        + "async function token(category) { const r = await fetch('/billing/operation-tokens', "
                        + "{method: 'POST', headers, body: JSON.stringify({category})}); return (await r.json()).token; }"
                        + "async function send(method, url, token) { const r = await fetch(url, {method, "
                        + "headers: {...headers, 'X-Operation-Token': token}, body: method === 'GET' ? undefined : '{}'});"
                        + " const b = await r.json(); return r.status + ' ' + (b.code || ''); }"
                        + "(async () => { " + script + "; })().then(done, e => done('error ' + e));");
    }

    @Test
    void a_wrong_password_is_shown_on_the_page_and_nothing_else_happens() {
        driver.manage().deleteAllCookies();
        driver.get(system.payment(0).url() + "/billing/sign-in");
        driver.findElement(By.id("email")).sendKeys("nobody-" + UUID.randomUUID() + "@example.com");
        driver.findElement(By.id("password")).sendKeys("wrong password 1234");
        driver.findElement(By.id("sign-in")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".error")));
        wait.until(d -> !error.getText().isBlank());
        assertThat(error.getText()).isEqualTo("Wrong email or password.");
        assertThat(driver.getCurrentUrl()).endsWith("/billing/sign-in");
    }
}
