package io.plansync.e2e;

import io.plansync.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in headless Chromium, against both services as processes: an administrator signs in through
 * the billing pages' sign-in and lands on the console, finds a plan change that went dead (identity does not know
 * the user), reads its attempt history, replays it, counts the dead rows and replays them, looks at a user across
 * the services, sees a configured signing key refuse rotation, and finds each step in the audit log; a user without
 * an operator role gets 403 on the page and on its actions. Screenshots go to e2e/target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {
    // A payment for a user identity-service does not know can only be a PaymentIntent created elsewhere.
    private final PlanSyncSystem system = new PlanSyncSystem(1, false,
            Map.of("PLANSYNC_ACCEPT_EXTERNAL_PAYMENT_INTENTS", "true"));
    private final Browser browser = new Browser();
    private final WebDriver driver = browser.driver;
    private final WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));

    @AfterAll
    void stop() {
        browser.close();
        system.close();
    }

    @Test
    void an_admin_finds_inspects_and_replays_a_dead_plan_change_and_each_step_is_audited() throws Exception {
        String unknownUser = UUID.randomUUID().toString();
        assertThat(system.deliverSucceeded(unknownUser, "pi_" + UUID.randomUUID(), "pro", 2900,
                Instant.now().getEpochSecond() - 10, 0)).isEqualTo(200);

        driver.manage().deleteAllCookies();
        driver.get(system.payment(0).url() + "/console");
        wait.until(ExpectedConditions.urlContains("/billing/sign-in"));
        driver.findElement(By.id("email")).sendKeys(PlanSyncSystem.ADMIN_EMAIL);
        driver.findElement(By.id("password")).sendKeys(PlanSyncSystem.ADMIN_PASSWORD);
        driver.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("outbox-title")));
        assertThat(driver.getCurrentUrl()).endsWith("/billing/console");

        // The row goes dead once identity has answered 404; the page lists dead rows by default.
        Eventually.await("the dead row in the console", Duration.ofSeconds(30), () -> {
            driver.get(system.payment(0).url() + "/billing/console?state=dead&userId=" + unknownUser);
            return driver.findElements(By.cssSelector("#outbox-rows tbody tr")).size();
        }, rows -> rows == 1);
        WebElement row = driver.findElement(By.cssSelector("#outbox-rows tbody tr"));
        String id = row.getDomAttribute("id").substring("outbox-row-".length());
        assertThat(row.findElement(By.className("state")).getText()).isEqualTo("dead");
        assertThat(row.getText()).contains(unknownUser).contains("pro");

        row.findElement(By.linkText(id)).click();
        WebElement history = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("row-history")));
        assertThat(history.getText()).contains("404");
        assertThat(driver.findElement(By.id("row-state")).getText()).isEqualTo("dead");
        browser.screenshot("console-outbox");

        // Replay the row: pending now; identity still does not know the user, so it goes dead again.
        driver.findElement(By.id("replay-" + id)).click();
        wait.until(ExpectedConditions.textToBe(By.id("console-message"), "Row " + id + " replayed: now pending."));
        assertThat(driver.findElement(By.cssSelector("#outbox-row-" + id + " .state")).getText())
                .isEqualTo("pending");
        Eventually.await("the replayed row to go dead again", Duration.ofSeconds(30), () -> {
            driver.get(system.payment(0).url() + "/billing/console?state=dead&userId=" + unknownUser + "&row=" + id);
            return driver.findElements(By.cssSelector("#row-history tbody tr")).size();
        }, attempts -> attempts == 2);

        // A bulk replay: counted first (nothing replayed), then replayed with a second click.
        driver.findElement(By.id("replay-user")).sendKeys(unknownUser);
        driver.findElement(By.id("count-dead")).click();
        wait.until(ExpectedConditions.textToBe(By.id("console-message"),
                "1 dead row would be replayed; nothing replayed yet."));
        WebElement confirm = driver.findElement(By.id("replay-dead-confirm"));
        assertThat(confirm.getText()).isEqualTo("Replay 1 dead row");
        browser.screenshot("console-replay-dry-run");
        confirm.click();
        wait.until(ExpectedConditions.textToBe(By.id("console-message"), "Replayed 1 dead row."));

        // A user across the services.
        PlanSyncSystem.User user = system.newUser();
        driver.findElement(By.id("user-id")).sendKeys(user.id());
        driver.findElement(By.id("show-user")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user-view")));
        assertThat(driver.findElement(By.id("user-payment")).getText()).contains("free");
        assertThat(driver.findElement(By.id("user-identity")).getText()).contains("free");
        assertThat(driver.findElement(By.id("user-stripe")).getText()).contains("Stripe");

        // payment-service signs with a configured key here: the console says how to rotate it instead.
        driver.findElement(By.id("rotate-signing-key")).click();
        wait.until(d -> !d.findElement(By.id("console-error")).getText().isBlank());
        assertThat(driver.findElement(By.id("console-error")).getText()).contains("configured keys");

        driver.get(system.payment(0).url() + "/billing/console#audit");
        String audit = driver.findElement(By.id("audit-rows")).getText();
        assertThat(audit).contains("replay-all dry-run").contains("replay-all").contains("user-show")
                .contains("replay");
        browser.screenshot("console-audit");
    }

    @Test
    void a_user_without_an_operator_role_gets_403_on_the_page_and_on_its_actions() {
        PlanSyncSystem.User user = system.newUser();
        driver.manage().deleteAllCookies();
        driver.get(system.payment(0).url() + "/billing/sign-in?next=%2Fbilling%2Fconsole");
        driver.findElement(By.id("email")).sendKeys(user.email());
        driver.findElement(By.id("password")).sendKeys("a long enough password");
        driver.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("forbidden")));
        assertThat(driver.getCurrentUrl()).endsWith("/billing/console");
        Object status = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/billing/console', {credentials: 'same-origin'}).then(r => done(r.status));");
        assertThat(status).isEqualTo(403L);
        Object action = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const csrf = document.querySelector('meta[name=\"csrf-token\"]').content;"
                        + "fetch('/billing/console/outbox/replay-dead', {method: 'POST', headers: {'Content-Type':"
                        + " 'application/json', 'X-CSRF-Token': csrf}, body: '{}'})"
                        + ".then(r => r.json().then(b => done(r.status + ' ' + b.code)));");
        assertThat(action).isEqualTo("403 FORBIDDEN");
    }
}
