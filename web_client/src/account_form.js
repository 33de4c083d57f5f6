/**
 * The form that opens a real-name account (`POST /api/accounts`): login, real name,
 * role, title, specialty, institution and the initial password, typed twice. Here the
 * form checks only what the server cannot (the required fields, the two passwords
 * match); the rules (login characters, the password's length) are the server's, and
 * what it refuses shows next to the field it names. A login already taken comes back
 * without a field name and is shown at the login.
 */

import { ACCOUNT_ROLES } from "./account_table.js";
import { h, replaceChildren } from "./dom.js";
import { checkRequired, clearFieldErrors, focusField, formField, showFieldError } from "./form_field.js";
import { clearRefusal, showRefusal } from "./refusal.js";

/** Refusals without a field name that belong to one field of this form. */
const FIELD_OF_CODE = { "login-taken": "login", "institution-not-found": "institution_id" };
/** Usual titles (职称), offered while typing; any other may be typed. */
const TITLES = ["主任医师", "副主任医师", "主治医师", "住院医师"];

let nextListId = 0;

export class AccountForm {
  #ctx;
  #onCreated;
  #form;
  #controls;
  #status;
  #done;
  #submit;
  #closed = false;
  /** The section holding the form. */
  element;

  /** `onCreated(account)` runs once the server has created an account. */
  constructor(ctx, { institutions, onCreated }) {
    this.#ctx = ctx;
    this.#onCreated = onCreated;
    const { i18n } = ctx;
    const input = (testid, props = {}) => h("input", { class: "field__input", type: "text", autocomplete: "off", "data-testid": testid, ...props });
    const titles = h("datalist", { id: `account-titles-${++nextListId}` }, TITLES.map((title) => h("option", { value: title })));
    const c = {
      login: input("account-login", { maxLength: 64, autocapitalize: "none" }),
      real_name: input("account-real-name", { maxLength: 100 }),
      role: h(
        "select",
        { class: "select", "data-testid": "account-role" },
        i18n.text(h("option", { value: "" }), "admin.choose"),
        ACCOUNT_ROLES.map((role) => i18n.text(h("option", { value: role }), `accountRole.${role}`)),
      ),
      title: input("account-title", { maxLength: 200 }),
      specialty: input("account-specialty", { maxLength: 200 }),
      institution_id: h("select", { class: "select", "data-testid": "account-institution" }),
      password: input("account-password", { type: "password", autocomplete: "new-password" }),
      password_confirm: input("account-password-confirm", { type: "password", autocomplete: "new-password" }),
    };
    c.title.setAttribute("list", titles.id);
    this.#controls = c;
    this.setInstitutions(institutions);
    this.#status = h("p", { class: "refusal", role: "alert", "data-testid": "account-form-error", hidden: true });
    this.#done = h("p", { class: "admin-done", role: "status", "data-testid": "account-created", hidden: true });
    this.#submit = i18n.text(h("button", { class: "btn btn--primary", type: "submit", "data-testid": "account-submit" }), "admin.account.submit");
    const field = (name, labelKey, required = false, hintKey = null) => formField(i18n, { name, labelKey, control: c[name], required, hintKey });
    this.#form = h(
      "form",
      { class: "admin-form", noValidate: true, autocomplete: "off", "data-testid": "account-form", onsubmit: (event) => this.#onSubmit(event) },
      h(
        "div",
        { class: "admin-form__grid" },
        field("login", "admin.account.login", true, "admin.account.loginHint"),
        field("real_name", "admin.account.realName", true),
        field("role", "admin.account.role", true),
        field("institution_id", "admin.account.institution", true),
        field("title", "admin.account.title", false, "admin.account.clinicalHint"),
        field("specialty", "admin.account.specialty", false, "admin.account.clinicalHint"),
        field("password", "admin.account.password", true, "admin.account.passwordHint"),
        field("password_confirm", "admin.account.passwordConfirm", true),
      ),
      titles,
      this.#status,
      this.#done,
      h("div", { class: "admin-form__actions" }, this.#submit),
    );
    this.element = h(
      "section",
      { class: "admin-card admin-new-account", "data-testid": "new-account" },
      i18n.text(h("h2", { class: "admin-card__title" }), "admin.account.add"),
      this.#form,
    );
  }

  /** The institutions to choose from (the chosen one stays when it still exists). */
  setInstitutions(institutions) {
    const { i18n } = this.#ctx;
    const select = this.#controls.institution_id;
    const chosen = select.value;
    replaceChildren(
      select,
      i18n.text(h("option", { value: "" }), "admin.choose"),
      institutions.map((i) => h("option", { value: i.id }, i.name)),
    );
    select.value = institutions.some((i) => i.id === chosen) ? chosen : "";
  }

  #body() {
    const c = this.#controls;
    return {
      login: c.login.value.trim(),
      real_name: c.real_name.value.trim(),
      role: c.role.value,
      title: c.title.value.trim(),
      specialty: c.specialty.value.trim(),
      institution_id: c.institution_id.value,
      // As typed: spaces are part of a password.
      password: c.password.value,
    };
  }

  async #onSubmit(event) {
    event.preventDefault();
    const { i18n, session } = this.#ctx;
    const c = this.#controls;
    clearFieldErrors(this.#form);
    clearRefusal(this.#status);
    this.#done.hidden = true;
    const body = this.#body();
    const filled = { ...body, password_confirm: c.password_confirm.value };
    if (!checkRequired(i18n, this.#form, (name) => !filled[name])) return;
    if (c.password_confirm.value !== body.password) {
      showFieldError(i18n, this.#form, "password_confirm", { code: "password-mismatch" });
      focusField(this.#form, "password_confirm");
      return;
    }
    this.#submit.disabled = true;
    try {
      const created = await session.request("POST", "/api/accounts", { json: body });
      if (this.#closed) return;
      this.#form.reset();
      i18n.text(this.#done, "admin.account.created", { login: created.login, name: created.real_name });
      this.#done.hidden = false;
      this.#onCreated(created);
    } catch (error) {
      if (this.#closed) return;
      const fieldName = error.field ?? FIELD_OF_CODE[error.code];
      if (fieldName && showFieldError(i18n, this.#form, fieldName, error)) focusField(this.#form, fieldName);
      else showRefusal(i18n, this.#status, error);
    } finally {
      this.#submit.disabled = false;
    }
  }

  close() {
    this.#closed = true;
  }
}
