// PlanSync billing pages: sends each form as JSON with the page's CSRF token in X-CSRF-Token, then follows the
// answer's redirect or shows its error; manages the saved cards, each operation with an operation token of its
// own. No framework; nothing from elsewhere; every value is put in the page as text, never as HTML.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// One card operation: a fresh operation token for its category (good for this one request), then the request.
async function cardOperation(method, url, category) {
  const headers = {"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrfToken()};
  const issued = await fetch("/billing/operation-tokens", {method: "POST", credentials: "same-origin", headers,
    body: JSON.stringify({category})});
  const grant = await issued.json().catch(() => ({}));
  if (!issued.ok) {
    return {response: issued, answer: grant};
  }
  const response = await fetch(url, {method, credentials: "same-origin",
    headers: {...headers, "X-Operation-Token": grant.token}, body: method === "GET" ? undefined : "{}"});
  return {response, answer: await response.json().catch(() => ({}))};
}

function showCards(cards) {
  const table = document.getElementById("cards");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const card of cards) {
    const row = body.insertRow();
    row.id = "card-" + card.id;
    row.insertCell().textContent = (card.brand || "card") + " ending " + (card.last4 || "????");
    row.insertCell().textContent = card.expMonth && card.expYear
      ? String(card.expMonth).padStart(2, "0") + "/" + card.expYear : "";
    row.insertCell().textContent = card.isDefault ? "Default" : "";
    const actions = row.insertCell();
    if (!card.isDefault) {
      actions.append(cardButton("Make default", "default", card));
    }
    actions.append(cardButton("Remove", "remove", card));
  }
  table.hidden = cards.length === 0;
  document.getElementById("cards-empty").hidden = cards.length > 0;
}

function cardButton(label, operation, card) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.dataset.cardOperation = operation;
  button.dataset.cardId = card.id;
  button.setAttribute("aria-label", label + ": " + (card.brand || "card") + " ending " + (card.last4 || ""));
  return button;
}

async function runCards(method, url, category) {
  const error = document.getElementById("cards-error");
  error.textContent = "";
  try {
    const {response, answer} = await cardOperation(method, url, category);
    if (response.ok && typeof answer.redirect === "string") {
      window.location.assign(answer.redirect);
    } else if (response.ok) {
      showCards(answer.paymentMethods || []);
    } else if (answer.code === "NO_BILLING_ACCOUNT") {
      showCards([]);
    } else {
      error.textContent = answer.detail || ("The request failed (" + response.status + ").");
    }
  } catch (e) {
    error.textContent = "The request could not be sent; check your connection and try again.";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("payment-methods");
  if (!section) {
    return;
  }
  document.getElementById("add-card").hidden = false;
  document.getElementById("add-card").addEventListener("click",
    () => runCards("POST", "/billing/payment-methods", "payment_methods:write"));
  section.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-card-operation]");
    if (!button) {
      return;
    }
    const id = encodeURIComponent(button.dataset.cardId);
    if (button.dataset.cardOperation === "default") {
      runCards("POST", "/billing/payment-methods/" + id + "/default", "payment_methods:write");
    } else {
      runCards("DELETE", "/billing/payment-methods/" + id, "payment_methods:delete");
    }
  });
  runCards("GET", "/billing/payment-methods", "payment_methods:read");
});
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.action) {
    return;
  }
  event.preventDefault();
  const error = form.querySelector(".error") || form.parentElement.querySelector(".error");
  const button = form.querySelector("button");
  if (button) {
    button.disabled = true;
  }
  try {
    const response = await fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
        "X-CSRF-Token": csrfToken()},
      body: JSON.stringify(Object.fromEntries(new FormData(form)))
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok && typeof answer.redirect === "string") {
      window.location.assign(answer.redirect);
      return;
    }
    if (error) {
      error.textContent = answer.detail || ("The request failed (" + response.status + ").");
    }
  } catch (e) {
    if (error) {
      error.textContent = "The request could not be sent; check your connection and try again.";
    }
  } finally {
    if (button) {
      button.disabled = false;
    }
  }
});
