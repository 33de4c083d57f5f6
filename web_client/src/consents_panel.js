/**
 * The patient's two consents (rooms/consent.py): to the remote consultation and,
 * separately, to its recording. Both are listed for every reader of the case; the
 * inviting doctor records each once: who gave it, their name, how and when it was
 * obtained, and optionally the scanned form (an attachment of the case).
 */

import { fact } from "./case_facts.js";
import { h, replaceChildren } from "./dom.js";
import { checkRequired, clearFieldErrors, formField, isoInstant, localInputValue, showFieldError } from "./form_field.js";
import { saveAttachment } from "./file_download.js";
import { clearRefusal, showRefusal } from "./refusal.js";

export const CONSENT_KINDS = ["consultation", "recording"];
const GIVERS = ["patient", "guardian", "close-relative"];
const METHODS = ["written-form", "electronic-signature", "verbal-witnessed"];

export class ConsentsPanel {
  #ctx;
  #caseId;
  #onChange;
  #list;
  #error;
  #forms = new Map();
  #consents = [];
  #attachments = [];
  #people = {};
  #closed = false;

  /** `onChange()` is called after a consent was recorded (the case view reloads). */
  constructor(ctx, caseId, onChange) {
    this.#ctx = ctx;
    this.#caseId = caseId;
    this.#onChange = onChange;
    const { i18n } = ctx;
    this.#list = h("div", { class: "consent-list", "data-testid": "consent-list" });
    this.#error = h("p", { class: "refusal", role: "alert", "data-testid": "consent-error", hidden: true });
    for (const kind of CONSENT_KINDS) this.#forms.set(kind, this.#form(kind));
    this.element = h(
      "section",
      { class: "case-card", "data-testid": "consents" },
      i18n.text(h("h2", { class: "case-card__title" }), "consent.title"),
      i18n.text(h("p", { class: "cases-muted case-card__lead" }), "consent.lead"),
      this.#list,
      this.#error,
      [...this.#forms.values()].map((f) => f.element),
    );
  }

  /** Shows `consents`; a form for each kind not yet recorded when `canRecord`. */
  update(consents, { attachments, canRecord, people = {} }) {
    this.#consents = consents;
    this.#attachments = attachments;
    this.#people = people;
    for (const [kind, form] of this.#forms) {
      form.element.hidden = !canRecord || consents.some((c) => c.kind === kind);
      form.setAttachments(attachments.filter((a) => a.kind !== "ct-study"));
    }
    this.render();
  }

  render() {
    replaceChildren(
      this.#list,
      h(
        "ul",
        { class: "consent-list__items" },
        CONSENT_KINDS.map((kind) => this.#item(kind, this.#consents.find((c) => c.kind === kind))),
      ),
    );
  }

  #item(kind, consent) {
    const { i18n } = this.#ctx;
    const title = i18n.text(h("strong", { class: "consent__kind" }), `consent.kind.${kind}`);
    if (!consent) {
      return h(
        "li",
        { class: "consent consent--missing", "data-testid": "consent", "data-kind": kind, "data-recorded": "false" },
        title,
        i18n.text(h("span", { class: "case-status case-status--submitted" }), "consent.missing"),
      );
    }
    const form = this.#attachments.find((a) => a.id === consent.form_attachment_id);
    const recorder = this.#people[consent.recorded_by]?.real_name;
    return h(
      "li",
      { class: "consent", "data-testid": "consent", "data-kind": kind, "data-recorded": "true" },
      title,
      i18n.text(h("span", { class: "case-status case-status--returned" }), "consent.recorded"),
      h(
        "dl",
        { class: "case-facts case-facts--compact" },
        fact(i18n, "consent.givenBy", [i18n.text(h("span"), `consent.giver.${consent.given_by}`), " ", consent.giver_name]),
        fact(i18n, "consent.method", i18n.text(h("span"), `consent.methodName.${consent.method}`)),
        fact(i18n, "consent.obtainedAt", i18n.dateTime(consent.obtained_at_ms)),
        form
          ? fact(
              i18n,
              "consent.form",
              h(
                "button",
                {
                  type: "button",
                  class: "link-button",
                  onclick: () => this.#download(form),
                },
                form.description,
              ),
            )
          : null,
        consent.note ? fact(i18n, "consent.note", consent.note) : null,
        fact(i18n, "consent.recordedAt", [i18n.dateTime(consent.recorded_at_ms), recorder ? ` · ${recorder}` : ""]),
      ),
    );
  }

  async #download(attachment) {
    try {
      await saveAttachment(this.#ctx.session, this.#caseId, attachment);
    } catch (error) {
      if (!this.#closed) showRefusal(this.#ctx.i18n, this.#error, error);
    }
  }

  #form(kind) {
    const { i18n, session } = this.#ctx;
    const select = (values, prefix) =>
      h(
        "select",
        { class: "input" },
        i18n.text(h("option", { value: "" }), "referral.choose"),
        values.map((v) => i18n.text(h("option", { value: v }), `${prefix}.${v}`)),
      );
    const controls = {
      given_by: select(GIVERS, "consent.giver"),
      giver_name: h("input", { type: "text", class: "input", maxLength: 100, autocomplete: "off" }),
      method: select(METHODS, "consent.methodName"),
      obtained_at: h("input", { type: "datetime-local", class: "input", value: localInputValue(Date.now()) }),
      form_attachment_id: h("select", { class: "input" }),
      note: h("textarea", { class: "input input--area", rows: 2, maxLength: 1000 }),
    };
    controls.given_by.value = "patient";
    const button = i18n.text(
      h("button", { type: "submit", class: "btn btn--primary", "data-testid": "consent-submit" }),
      "consent.submit",
    );
    const formError = h("p", { class: "refusal", role: "alert", hidden: true });
    const field = (name, labelKey, required = false, hintKey = null) =>
      formField(i18n, { name, labelKey, control: controls[name], required, hintKey });
    const form = h(
      "form",
      {
        class: "cases-form cases-form--inline",
        noValidate: true,
        "data-testid": `consent-form-${kind}`,
        onsubmit: async (event) => {
          event.preventDefault();
          clearFieldErrors(form);
          clearRefusal(formError);
          if (!checkRequired(i18n, form, (name) => !controls[name]?.value.trim())) return;
          const body = { kind };
          for (const [name, control] of Object.entries(controls)) body[name] = control.value.trim();
          body.obtained_at = isoInstant(controls.obtained_at.value);
          button.disabled = true;
          try {
            await session.request("POST", `/api/referrals/${encodeURIComponent(this.#caseId)}/consents`, { json: body });
            if (this.#closed) return;
            details.open = false;
            this.#onChange();
          } catch (error) {
            if (this.#closed) return;
            if (!(error.field && showFieldError(i18n, form, error.field, error))) showRefusal(i18n, formError, error);
          } finally {
            button.disabled = false;
          }
        },
      },
      h(
        "div",
        { class: "form-grid" },
        field("given_by", "consent.givenByLabel", true),
        field("giver_name", "consent.giverName", true),
        field("method", "consent.method", true),
        field("obtained_at", "consent.obtainedAt", true),
      ),
      field("form_attachment_id", "consent.form", false, "consent.formHint"),
      field("note", "consent.note", false, "consent.noteHint"),
      formError,
      h("div", { class: "cases-form__actions" }, button),
    );
    const details = h(
      "details",
      { class: "case-disclosure", "data-testid": `consent-record-${kind}` },
      i18n.text(h("summary", { "data-testid": `consent-toggle-${kind}` }), `consent.record.${kind}`),
      form,
    );
    return {
      element: details,
      setAttachments(files) {
        const chosen = controls.form_attachment_id.value;
        replaceChildren(
          controls.form_attachment_id,
          i18n.text(h("option", { value: "" }), "consent.noForm"),
          files.map((a) => h("option", { value: a.id }, a.description || a.id)),
        );
        if (files.some((a) => a.id === chosen)) controls.form_attachment_id.value = chosen;
      },
    };
  }

  close() {
    this.#closed = true;
  }
}
