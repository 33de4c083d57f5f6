/**
 * The administrator's institutions: each registered one with its tier, and the form
 * that registers another (`POST /api/institutions` `{name, level}`). The server checks
 * the fields; what it refuses shows next to the field it names.
 */

import { h, replaceChildren } from "./dom.js";
import { checkRequired, clearFieldErrors, focusField, formField, showFieldError } from "./form_field.js";
import { clearRefusal, showRefusal } from "./refusal.js";

/** `rooms.institution.InstitutionLevel`, from the village up (`admin.level.*`). */
export const INSTITUTION_LEVELS = ["village-clinic", "township-health-centre", "county-hospital", "tertiary-hospital"];

export class InstitutionList {
  #ctx;
  #institutions;
  #onAdded;
  #rows;
  #form;
  #name;
  #level;
  #status;
  #done;
  #submit;
  #closed = false;
  /** The section: the list and the form. */
  element;

  /** `onAdded(institutions)` runs with the whole list once one is registered. */
  constructor(ctx, { institutions, onAdded }) {
    this.#ctx = ctx;
    this.#institutions = [...institutions];
    this.#onAdded = onAdded;
    const { i18n } = ctx;
    this.#name = h("input", { class: "field__input", type: "text", maxLength: 100, autocomplete: "off", "data-testid": "institution-name" });
    this.#level = h(
      "select",
      { class: "select", "data-testid": "institution-level" },
      i18n.text(h("option", { value: "" }), "admin.choose"),
      INSTITUTION_LEVELS.map((level) => i18n.text(h("option", { value: level }), `admin.level.${level}`)),
    );
    this.#status = h("p", { class: "refusal", role: "alert", "data-testid": "institution-error", hidden: true });
    this.#done = h("p", { class: "admin-done", role: "status", "data-testid": "institution-added", hidden: true });
    this.#submit = i18n.text(h("button", { class: "btn btn--primary", type: "submit", "data-testid": "institution-submit" }), "admin.institution.submit");
    this.#form = h(
      "form",
      { class: "admin-form admin-form--inline", noValidate: true, "data-testid": "institution-form", onsubmit: (event) => this.#onSubmit(event) },
      i18n.text(h("h3", { class: "admin-form__title" }), "admin.institution.add"),
      h(
        "div",
        { class: "admin-form__row" },
        formField(i18n, { name: "name", labelKey: "admin.institution.name", control: this.#name, required: true }),
        formField(i18n, { name: "level", labelKey: "admin.institution.level", control: this.#level, required: true }),
        this.#submit,
      ),
      this.#status,
      this.#done,
    );
    this.#rows = h("tbody", {});
    this.element = h(
      "section",
      { class: "admin-card admin-institutions", "data-testid": "institutions" },
      i18n.text(h("h2", { class: "admin-card__title" }), "admin.institutions.title"),
      h(
        "div",
        { class: "admin-scroll" },
        h(
          "table",
          { class: "data-table admin-table", "data-testid": "institution-table" },
          h("thead", {}, h("tr", {}, i18n.text(h("th", { scope: "col" }), "admin.institutions.col.name"), i18n.text(h("th", { scope: "col" }), "admin.institutions.col.level"))),
          this.#rows,
        ),
      ),
      this.#form,
    );
    this.#render();
  }

  #render() {
    const { i18n } = this.#ctx;
    if (this.#institutions.length === 0) {
      replaceChildren(this.#rows, h("tr", {}, i18n.text(h("td", { class: "admin-muted", colSpan: 2 }), "admin.institutions.empty")));
      return;
    }
    replaceChildren(
      this.#rows,
      this.#institutions.map((institution) =>
        h(
          "tr",
          { "data-testid": "institution-row", "data-institution-id": institution.id, "data-level": institution.level },
          h("td", {}, institution.name),
          i18n.text(h("td", {}), `admin.level.${institution.level}`),
        ),
      ),
    );
  }

  async #onSubmit(event) {
    event.preventDefault();
    const { i18n, session } = this.#ctx;
    clearFieldErrors(this.#form);
    clearRefusal(this.#status);
    this.#done.hidden = true;
    const values = { name: this.#name.value.trim(), level: this.#level.value };
    if (!checkRequired(i18n, this.#form, (name) => !values[name])) return;
    this.#submit.disabled = true;
    try {
      const added = await session.request("POST", "/api/institutions", { json: values });
      if (this.#closed) return;
      this.#form.reset();
      i18n.text(this.#done, "admin.institution.added", { name: added.name });
      this.#done.hidden = false;
      // Listed again in the server's order, with whatever another administrator added.
      const { institutions } = await session.request("GET", "/api/institutions");
      if (this.#closed) return;
      this.#institutions = institutions;
      this.#render();
      this.#onAdded(institutions);
    } catch (error) {
      if (this.#closed) return;
      if (error.field && showFieldError(i18n, this.#form, error.field, error)) focusField(this.#form, error.field);
      else showRefusal(i18n, this.#status, error);
    } finally {
      this.#submit.disabled = false;
    }
  }

  close() {
    this.#closed = true;
  }
}
