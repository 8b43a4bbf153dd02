// PlanSync operator console: each button sends its action as JSON with the page's CSRF token in X-CSRF-Token
// (billing.js's csrfToken), then shows the answer as text. A bulk replay is counted first (a dry run) and replays
// only after a second click. No framework; nothing from elsewhere.
"use strict";

async function consoleAction(url, body) {
  const response = await fetch(url, {method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrfToken()},
    body: JSON.stringify(body || {})});
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(answer.detail || ("The request failed (" + response.status + ")."));
  }
  return answer;
}

function say(message) {
  document.getElementById("console-error").textContent = "";
  document.getElementById("console-message").textContent = message;
}

// The bulk replay's filter: only the fields filled in (an empty one means "any").
function replayFilter() {
  const filter = {};
  const userId = document.getElementById("replay-user").value.trim();
  const since = document.getElementById("replay-since").value.trim();
  if (userId) {
    filter.userId = userId;
  }
  if (since) {
    filter.since = since;
  }
  return filter;
}

const consoleActions = {
  async replay(button) {
    const answer = await consoleAction("/billing/console/outbox/" + encodeURIComponent(button.dataset.row) + "/replay");
    const state = document.querySelector("#outbox-row-" + CSS.escape(String(answer.id)) + " .state");
    if (state) {
      state.textContent = answer.state;
    }
    say("Row " + answer.id + " replayed: now " + answer.state + ".");
  },
  async "count-dead"() {
    const answer = await consoleAction("/billing/console/outbox/replay-dead", {...replayFilter(), dryRun: true});
    const confirm = document.getElementById("replay-dead-confirm");
    confirm.hidden = answer.rows === 0;
    confirm.textContent = "Replay " + answer.rows + " dead " + (answer.rows === 1 ? "row" : "rows");
    say(answer.rows + " dead " + (answer.rows === 1 ? "row" : "rows") + " would be replayed; nothing replayed yet.");
  },
  async "replay-dead"(button) {
    const answer = await consoleAction("/billing/console/outbox/replay-dead", replayFilter());
    button.hidden = true;
    say("Replayed " + answer.rows + " dead " + (answer.rows === 1 ? "row" : "rows") + ".");
  },
  async "revoke-key"(button) {
    if (!window.confirm("Revoke API key " + button.dataset.key + "? Every call with it is refused from now on.")) {
      return;
    }
    const answer = await consoleAction("/billing/console/api-keys/" + encodeURIComponent(button.dataset.key)
      + "/revoke");
    const row = document.getElementById("api-key-" + answer.id);
    if (row) {
      row.querySelector(".state").textContent = answer.state;
    }
    button.remove();
    say("API key " + answer.id + " revoked.");
  },
  async "rotate-signing-key"(button) {
    const now = button.dataset.now === "true";
    if (now && !window.confirm("Retire every other signing key now? Tokens they signed are refused at once.")) {
      return;
    }
    await consoleAction("/billing/console/signing-keys/rotate", {now});
    window.location.reload();
  }
};

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-console-action]");
  if (!button || !consoleActions[button.dataset.consoleAction]) {
    return;
  }
  button.disabled = true;
  try {
    await consoleActions[button.dataset.consoleAction](button);
  } catch (e) {
    document.getElementById("console-error").textContent = e instanceof Error && e.message
      ? e.message : "The request could not be sent; check your connection and try again.";
  } finally {
    button.disabled = false;
  }
});
