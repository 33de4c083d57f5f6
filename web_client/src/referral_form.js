/**
 * `/referrals/new`: the inviting doctor's referral (会诊邀请), with the content
 * 远程医疗服务管理规范 requires: patient identity, case summary, reason, purpose,
 * the invited institution with the specialties and/or experts asked for, the title
 * and the proposed time. Required fields are checked here first; whatever the server
 * still refuses is shown next to the field it names. Created, it opens the case.
 */

import { h, replaceChildren } from "./dom.js";
import { checkRequired, clearFieldErrors, focusField, formField, isoInstant, showFieldError } from "./form_field.js";
import { clearRefusal, showRefusal } from "./refusal.js";

const SEXES = ["male", "female", "other", "unknown"];
/** 拟邀医师职称: stored as the Chinese title, the value the directory uses. */
const TITLES = ["主任医师", "副主任医师", "主治医师"];
const LEVEL_ORDER = ["tertiary-hospital", "county-hospital", "township-health-centre", "village-clinic"];

export function mountReferralForm(root, ctx) {
  const form = new ReferralForm(root, ctx);
  form.load();
  return { close: () => form.close() };
}

class ReferralForm {
  #ctx;
  #form;
  #controls = {};
  #experts = [];
  #specialtyBox;
  #expertBox;
  #formError;
  #submit;
  #closed = false;
  #expertsFor = null;

  constructor(root, ctx) {
    this.#ctx = ctx;
    const { i18n } = ctx;
    if (!ctx.session.allowed("create-referral")) {
      root.append(
        i18n.text(h("p", { class: "refusal", role: "alert", "data-testid": "referral-not-allowed" }), "referral.notAllowed"),
      );
      return;
    }
    const c = this.#controls;
    const text = (props = {}) => h("input", { type: "text", class: "input", ...props });
    const area = (rows) => h("textarea", { class: "input input--area", rows });
    c.to_institution_id = h("select", { class: "input", onchange: () => this.#loadExperts() });
    c["patient.name"] = text({ maxLength: 100, autocomplete: "off" });
    c["patient.sex"] = h(
      "select",
      { class: "input" },
      i18n.text(h("option", { value: "" }), "referral.choose"),
      SEXES.map((sex) => i18n.text(h("option", { value: sex }), `referral.sex.${sex}`)),
    );
    c["patient.birth_date"] = h("input", { type: "date", class: "input" });
    c["patient.id_number"] = text({ maxLength: 200, autocomplete: "off" });
    c.summary = area(4);
    c.chief_complaint = text({ maxLength: 2000 });
    c.history = area(3);
    c.reason = area(2);
    c.purpose = area(2);
    c.otherSpecialties = text({ maxLength: 400 });
    i18n.attr(c.otherSpecialties, "placeholder", "referral.otherSpecialtiesPlaceholder");
    c.requested_title = h(
      "select",
      { class: "input" },
      i18n.text(h("option", { value: "" }), "referral.anyTitle"),
      TITLES.map((title) => h("option", { value: title }, title)),
    );
    c.proposed_at = h("input", { type: "datetime-local", class: "input" });
    this.#specialtyBox = h("div", { class: "choice-list", "data-testid": "specialty-choices" });
    this.#expertBox = h("div", { class: "choice-list", "data-testid": "expert-choices" });
    this.#formError = h("p", { class: "refusal", role: "alert", "data-testid": "referral-error", hidden: true });
    this.#submit = i18n.text(
      h("button", { type: "submit", class: "btn btn--primary", "data-testid": "referral-submit" }),
      "referral.submit",
    );

    const field = (name, labelKey, required = false, hintKey = null) =>
      formField(i18n, { name, labelKey, control: c[name], required, hintKey });
    const group = (legendKey, ...fields) =>
      h("fieldset", { class: "form-section" }, i18n.text(h("legend", { class: "form-section__title" }), legendKey), fields);

    this.#form = h(
      "form",
      { class: "cases-form", noValidate: true, "data-testid": "referral-form", onsubmit: (e) => this.#onSubmit(e) },
      group(
        "referral.section.patient",
        h(
          "div",
          { class: "form-grid" },
          field("patient.name", "referral.patientName", true),
          field("patient.sex", "referral.sex", true),
          field("patient.birth_date", "referral.birthDate", true),
          field("patient.id_number", "referral.idNumber", true),
        ),
      ),
      group(
        "referral.section.clinical",
        field("chief_complaint", "referral.chiefComplaint", true),
        field("summary", "referral.summary", true, "referral.summaryHint"),
        field("history", "referral.history"),
      ),
      group(
        "referral.section.invitation",
        field("to_institution_id", "referral.institution", true),
        formField(i18n, {
          name: "requested_specialties",
          labelKey: "referral.specialties",
          control: h("div", { class: "choice-group" }, this.#specialtyBox, c.otherSpecialties),
          hintKey: "referral.specialtiesHint",
        }),
        formField(i18n, { name: "requested_expert_ids", labelKey: "referral.experts", control: this.#expertBox }),
        h(
          "div",
          { class: "form-grid" },
          field("requested_title", "referral.title"),
          field("proposed_at", "referral.proposedAt", true),
        ),
        field("reason", "referral.reason", true),
        field("purpose", "referral.purpose", true),
      ),
      this.#formError,
      h(
        "div",
        { class: "cases-form__actions" },
        i18n.text(
          h("button", { type: "button", class: "btn btn--secondary", onclick: () => ctx.navigate("/cases") }),
          "referral.cancel",
        ),
        this.#submit,
      ),
    );
    root.append(
      h(
        "section",
        { class: "cases-page" },
        h(
          "header",
          { class: "cases-page__header" },
          i18n.text(h("h1", { class: "cases-page__title" }), "referral.heading"),
        ),
        i18n.text(h("p", { class: "cases-muted cases-page__lead" }), "referral.lead"),
        this.#form,
      ),
    );
    this.#renderChoices();
  }

  async load() {
    if (!this.#form) return;
    const { session, i18n } = this.#ctx;
    const select = this.#controls.to_institution_id;
    try {
      const { institutions } = await session.request("GET", "/api/institutions");
      if (this.#closed) return;
      // The server refuses the caller's own institution; any other may be invited.
      const invitable = institutions
        .filter((i) => i.id !== session.account?.institution_id)
        .sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));
      replaceChildren(
        select,
        i18n.text(h("option", { value: "" }), "referral.choose"),
        invitable.map((i) => h("option", { value: i.id, "data-level": i.level }, i.name)),
      );
      if (invitable.length === 1) {
        select.value = invitable[0].id;
        await this.#loadExperts();
      }
    } catch (error) {
      if (!this.#closed) showRefusal(i18n, this.#formError, error);
    }
  }

  async #loadExperts() {
    const institutionId = this.#controls.to_institution_id.value;
    this.#expertsFor = institutionId;
    this.#experts = [];
    if (institutionId) {
      try {
        const { experts } = await this.#ctx.session.request(
          "GET",
          `/api/institutions/${encodeURIComponent(institutionId)}/experts`,
        );
        if (this.#closed || this.#expertsFor !== institutionId) return;
        this.#experts = experts;
      } catch (error) {
        if (!this.#closed) showRefusal(this.#ctx.i18n, this.#formError, error);
      }
    }
    this.#renderChoices();
  }

  #renderChoices() {
    const { i18n } = this.#ctx;
    const box = (name, value, ...label) =>
      h("label", { class: "choice" }, h("input", { type: "checkbox", name, value }), h("span", {}, label));
    const specialties = [...new Set(this.#experts.map((e) => e.specialty).filter(Boolean))];
    replaceChildren(
      this.#specialtyBox,
      specialties.map((s) => box("specialty", s, s)),
    );
    replaceChildren(
      this.#expertBox,
      this.#experts.length
        ? this.#experts.map((e) =>
            box("expert", e.id, h("strong", {}, e.real_name), " ", h("span", { class: "cases-muted" }, [e.title, e.specialty].filter(Boolean).join(" · "))),
          )
        : i18n.text(h("span", { class: "cases-muted" }), this.#controls.to_institution_id.value ? "referral.noExperts" : "referral.chooseInstitutionFirst"),
    );
  }

  #checked(name) {
    return [...this.#form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
  }

  #specialties() {
    const typed = this.#controls.otherSpecialties.value.split(/[,，、;；]/u).map((s) => s.trim());
    return [...new Set([...this.#checked("specialty"), ...typed].filter(Boolean))];
  }

  #body() {
    const value = (name) => this.#controls[name].value.trim();
    return {
      to_institution_id: value("to_institution_id"),
      patient: {
        name: value("patient.name"),
        sex: value("patient.sex"),
        birth_date: value("patient.birth_date"),
        id_number: value("patient.id_number"),
      },
      summary: value("summary"),
      chief_complaint: value("chief_complaint"),
      history: value("history"),
      reason: value("reason"),
      purpose: value("purpose"),
      requested_specialties: this.#specialties(),
      requested_expert_ids: this.#checked("expert"),
      requested_title: value("requested_title"),
      proposed_at: isoInstant(this.#controls.proposed_at.value),
    };
  }

  async #onSubmit(event) {
    event.preventDefault();
    const { i18n, session, navigate } = this.#ctx;
    clearFieldErrors(this.#form);
    clearRefusal(this.#formError);
    let complete = checkRequired(i18n, this.#form, (name) => !this.#controls[name]?.value.trim());
    const body = this.#body();
    if (!body.requested_specialties.length && !body.requested_expert_ids.length) {
      showFieldError(i18n, this.#form, "requested_specialties", { code: "field-required" });
      if (complete) focusField(this.#form, "requested_specialties");
      complete = false;
    }
    if (!complete) {
      i18n.text(this.#formError, "referral.incomplete");
      this.#formError.hidden = false;
      return;
    }
    this.#submit.disabled = true;
    try {
      const created = await session.request("POST", "/api/referrals", { json: body });
      if (!this.#closed) navigate(`/cases/${encodeURIComponent(created.id)}`);
    } catch (error) {
      if (this.#closed) return;
      const placed = error.field && showFieldError(i18n, this.#form, error.field, error);
      if (placed) {
        focusField(this.#form, error.field);
        i18n.text(this.#formError, "referral.refused");
        this.#formError.hidden = false;
      } else {
        showRefusal(i18n, this.#formError, error);
      }
    } finally {
      this.#submit.disabled = false;
    }
  }

  close() {
    this.#closed = true;
  }
}
