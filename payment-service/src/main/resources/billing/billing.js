// PlanSync billing pages: sends each form as JSON with the page's CSRF token in X-CSRF-Token, then follows the
// answer's redirect or shows its error. No framework; nothing from elsewhere.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.action) {
    return;
  }
  event.preventDefault();
  const token = document.querySelector('meta[name="csrf-token"]');
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
        "X-CSRF-Token": token ? token.content : ""},
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
