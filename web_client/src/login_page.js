/**
 * The login form. Says why the person is here (expired, logged out) and, on a refusal,
 * what to do: a locked account names the minutes to wait (the server's Retry-After).
 */

import { ApiError } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { pageHeader } from "./header.js";

const KNOWN_ERRORS = ["invalid-credentials", "account-locked", "network-error"];

/** Renders the form into `root`; `onLoggedIn()` runs once the session is in. */
export function mountLogin(root, { i18n, session, notice = null, onLoggedIn }) {
  const login = h("input", { class: "field__input", name: "login", autocomplete: "username", "data-testid": "login-name", required: true });
  const password = h("input", { class: "field__input", name: "password", type: "password", autocomplete: "current-password", "data-testid": "login-password", required: true });
  const message = h("p", { class: "login__message", role: "alert", "data-testid": "login-message" });
  const submit = i18n.text(h("button", { class: "btn btn--primary login__submit", type: "submit", "data-testid": "login-submit" }), "login.submit");
  if (notice) i18n.text(message, `login.${notice}`);

  const form = h(
    "form",
    { class: "login", novalidate: true, "data-testid": "login-form" },
    i18n.text(h("h1", { class: "login__title" }), "login.title"),
    i18n.text(h("p", { class: "login__subtitle" }), "login.subtitle"),
    h("label", { class: "field" }, i18n.text(h("span", { class: "field__label" }), "login.login"), login),
    h("label", { class: "field" }, i18n.text(h("span", { class: "field__label" }), "login.password"), password),
    message,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!login.value.trim() || !password.value) {
      i18n.text(message, "login.required");
      return;
    }
    submit.disabled = true;
    i18n.text(submit, "login.busy");
    try {
      await session.logIn(login.value.trim(), password.value);
    } catch (error) {
      password.value = "";
      showRefusal(i18n, message, error);
      return;
    } finally {
      submit.disabled = false;
      i18n.text(submit, "login.submit");
    }
    onLoggedIn();
  });

  replaceChildren(root, h("div", { class: "page-screen", "data-testid": "login-page" }, pageHeader(i18n), h("div", { class: "page-screen__body" }, form)));
  login.focus();
  return { close() {} };
}

function showRefusal(i18n, message, error) {
  if (!(error instanceof ApiError)) throw error;
  message.dataset.code = error.code;
  if (!KNOWN_ERRORS.includes(error.code)) {
    i18n.text(message, "login.error.other", { message: error.message });
    return;
  }
  // The lock-out's remaining time comes from the reply's Retry-After header.
  const minutes = Math.max(1, Math.ceil((error.retryAfterS ?? 60) / 60));
  i18n.text(message, `login.error.${error.code}`, { minutes });
}
