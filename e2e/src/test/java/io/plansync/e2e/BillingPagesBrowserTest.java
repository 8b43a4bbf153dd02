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
 * arrive, cancel at period end in the portal page, sign out; and the refusals: a state-changing request without the
 * CSRF header, the session's cookies replayed after sign-out. Screenshots go to e2e/target/screenshots.
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
