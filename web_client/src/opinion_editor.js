/**
 * The opinion editor (`/#/cases/:id/opinion`): an assigned expert writes the
 * consultation opinion (会诊意见) in four sections, saves drafts, and signs it.
 *
 * Drafts are saved with the version they were read at, so two experts editing at once
 * never silently overwrite each other (the server refuses the stale save). Signing
 * freezes the text: afterwards the page is read-only and shows who signed, when, with
 * which key, over which recording manifests, and whether the signature still verifies.
 */

import { h, replaceChildren } from "./dom.js";
import { patientLabel } from "./patient_label.js";
import { refusalNote } from "./refusal.js";

/** The sections, in the order of the printed opinion (rooms/opinion.py). */
export const SECTIONS = ["summary", "imaging_review", "diagnosis", "recommendations"];
/** Sections the server requires before signing. */
const REQUIRED_TO_SIGN = new Set(["diagnosis", "recommendations"]);
/** Where this page says more than the general sentence of refusal.js. */
const OWN_WORDS = {
  "referral-not-found": "opinion.notYours",
  "concurrent-update": "opinion.changedMeanwhile",
  "field-required": "opinion.requiredToSignAll",
  "network-error": "opinion.offline",
};

export function mountOpinionEditor(root, ctx, params) {
  return new OpinionEditor(root, ctx, params.id);
}

class OpinionEditor {
  #root;
  #ctx;
  #caseId;
  #closed = false;
  #referral = null;
  #opinion = null;
  #verification = null;
  /** The version the draft was read or last saved at; null before the first save. */
  #version = null;
  #dirty = false;
  #busy = false;
  #unsubscribe = [];
  #ui = {};

  constructor(root, ctx, caseId) {
    this.#root = root;
    this.#ctx = ctx;
    this.#caseId = caseId;
    const { i18n } = ctx;
    this.#ui.page = h("div", { class: "hospital-page opinion-editor", "data-testid": "opinion-editor", "data-state": "loading" });
    this.#ui.head = h("header", { class: "hospital-page__head" }, i18n.text(h("h1", { class: "hospital-page__title" }), "opinion.title"));
    this.#ui.body = h("div", { class: "opinion-editor__body" }, i18n.text(h("p", { class: "hospital-empty" }), "opinion.loading"));
    replaceChildren(root, this.#ui.page);
    this.#ui.page.append(this.#ui.head, this.#ui.body);
    this.#unsubscribe.push(ctx.i18n.on("change", () => this.#languageChanged()));
    this.#start();
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
  }

  get #base() {
    return `/api/referrals/${encodeURIComponent(this.#caseId)}`;
  }

  async #start() {
    const { session } = this.#ctx;
    if (!session.allowed("write-opinion")) {
      this.#refuse({ code: "not-expert", message: "" });
      return;
    }
    try {
      this.#referral = await session.request("GET", this.#base);
      this.#opinion = await session.request("GET", `${this.#base}/opinion`).catch((error) => {
        if (error?.code === "opinion-not-found") return null;
        throw error;
      });
      if (this.#opinion?.status === "signed") {
        this.#verification = await session.request("GET", `${this.#base}/opinion/verification`);
      }
    } catch (error) {
      if (!this.#closed) this.#refuse(error);
      return;
    }
    if (this.#closed) return;
    this.#version = this.#opinion?.version ?? null;
    this.#renderHead();
    if (this.#opinion?.status === "signed") this.#renderSigned();
    else this.#renderDraft();
  }

  #refuse(error) {
    this.#ui.page.dataset.state = "refused";
    replaceChildren(this.#ui.body, refusalNote(this.#ctx.i18n, error, "opinion-refusal", OWN_WORDS));
  }

  #renderHead() {
    const { i18n } = this.#ctx;
    replaceChildren(
      this.#ui.head,
      h(
        "div",
        {},
        i18n.text(h("h1", { class: "hospital-page__title" }), "opinion.title"),
        h("p", { class: "hospital-page__lead" }, patientLabel(i18n, this.#referral.patient), " · ", this.#referral.chief_complaint),
      ),
      i18n.text(h("a", { class: "hospital-link", href: `#/cases/${encodeURIComponent(this.#caseId)}`, "data-testid": "opinion-open-case" }), "opinion.openCase"),
    );
  }

  // --- the draft -----------------------------------------------------------------------

  #renderDraft() {
    const { i18n } = this.#ctx;
    this.#ui.page.dataset.state = "draft";
    const content = this.#opinion?.content ?? {};
    this.#ui.fields = {};
    const sections = SECTIONS.map((name) => {
      const area = h("textarea", {
        class: "field__input opinion-editor__text",
        id: `opinion-${name}`,
        rows: name === "summary" ? 6 : 5,
        maxLength: 20000,
        value: content[name] ?? "",
        "data-testid": `opinion-${name}`,
        oninput: () => this.#markDirty(),
      });
      this.#ui.fields[name] = area;
      return h(
        "div",
        { class: "hospital-field opinion-editor__section" },
        h(
          "label",
          { class: "hospital-field__label", for: area.id },
          i18n.text(h("span", {}), `opinion.section.${name}`),
          REQUIRED_TO_SIGN.has(name) ? i18n.text(h("span", { class: "hospital-chip hospital-chip--soft" }), "opinion.requiredToSign") : null,
        ),
        area,
      );
    });
    this.#ui.savedAt = h("span", { class: "opinion-editor__saved", "data-testid": "opinion-saved-at", "aria-live": "polite" });
    this.#ui.error = h("div", { class: "opinion-editor__error", "data-testid": "opinion-error", "aria-live": "assertive" });
    this.#ui.save = i18n.text(
      h("button", { class: "btn btn--secondary", type: "button", "data-testid": "opinion-save", onclick: () => this.#run(() => this.#save()) }),
      "opinion.save",
    );
    this.#ui.sign = i18n.text(
      h("button", { class: "btn btn--primary", type: "button", "data-testid": "opinion-sign", onclick: () => this.#askToSign() }),
      "opinion.sign",
    );
    this.#ui.confirm = this.#confirmPanel();
    const noConsultation = !this.#referral.consultation_id;
    if (noConsultation) this.#ui.save.disabled = this.#ui.sign.disabled = true;
    replaceChildren(
      this.#ui.body,
      noConsultation ? i18n.text(h("p", { class: "hospital-notice", role: "status", "data-testid": "opinion-no-consultation" }), "opinion.noConsultation") : null,
      i18n.text(h("p", { class: "hospital-hint" }), "opinion.draftHint"),
      h("div", { class: "opinion-editor__sections hospital-card" }, sections),
      h("div", { class: "opinion-editor__bar" }, this.#ui.savedAt, h("div", { class: "opinion-editor__buttons" }, this.#ui.save, this.#ui.sign)),
      this.#ui.confirm,
      this.#ui.error,
    );
    this.#renderSavedAt();
  }

  #confirmPanel() {
    const { i18n } = this.#ctx;
    const account = this.#ctx.session.account;
    return h(
      "section",
      { class: "opinion-editor__confirm hospital-card", role: "alertdialog", "aria-modal": "false", "data-testid": "opinion-confirm", hidden: true },
      i18n.text(h("h2", { class: "hospital-section-title" }), "opinion.confirm.title"),
      i18n.text(h("p", {}), "opinion.confirm.body", { name: account.real_name, title: account.title || "—" }),
      h(
        "div",
        { class: "opinion-editor__buttons" },
        i18n.text(
          h("button", { class: "btn btn--secondary", type: "button", "data-testid": "opinion-cancel-sign", onclick: () => this.#hideConfirm() }),
          "opinion.confirm.cancel",
        ),
        i18n.text(
          h("button", { class: "btn btn--primary", type: "button", "data-testid": "opinion-confirm-sign", onclick: () => this.#run(() => this.#sign()) }),
          "opinion.confirm.sign",
        ),
      ),
    );
  }

  #markDirty() {
    this.#dirty = true;
    this.#renderSavedAt();
  }

  #renderSavedAt() {
    const { i18n } = this.#ctx;
    const saved = this.#opinion?.updated_at_ms;
    const element = this.#ui.savedAt;
    if (!element) return;
    element.dataset.dirty = String(this.#dirty);
    if (this.#dirty) i18n.text(element, "opinion.unsaved");
    else if (saved) i18n.text(element, "opinion.savedAt", { time: i18n.dateTime(saved) });
    else i18n.text(element, "opinion.notSaved");
  }

  #content() {
    return Object.fromEntries(SECTIONS.map((name) => [name, this.#ui.fields[name].value]));
  }

  /** Runs one action at a time with the buttons disabled; its refusal shows below. */
  async #run(action) {
    if (this.#busy) return;
    this.#busy = true;
    for (const button of this.#ui.body.querySelectorAll("button")) button.disabled = true;
    replaceChildren(this.#ui.error);
    try {
      await action();
    } catch (error) {
      if (!this.#closed && this.#ui.page.dataset.state === "draft") {
        replaceChildren(this.#ui.error, refusalNote(this.#ctx.i18n, error, "opinion-refusal", OWN_WORDS));
        if (error?.code === "concurrent-update") {
          this.#ui.error.append(
            this.#ctx.i18n.text(
              h("button", { class: "btn btn--secondary", type: "button", "data-testid": "opinion-reload", onclick: () => this.#start() }),
              "opinion.reload",
            ),
          );
        }
      }
    } finally {
      this.#busy = false;
      if (this.#ui.page.dataset.state === "draft") {
        for (const button of this.#ui.body.querySelectorAll("button")) button.disabled = false;
      }
    }
  }

  async #save() {
    const json = { ...this.#content() };
    if (this.#version !== null) json.version = this.#version;
    const opinion = await this.#ctx.session.request("PUT", `${this.#base}/opinion`, { json });
    if (this.#closed) return;
    this.#opinion = opinion;
    this.#version = opinion.version;
    // Text typed while the save was on its way is still unsaved.
    const sent = SECTIONS.every((name) => this.#ui.fields[name].value === json[name]);
    this.#dirty = !sent;
    this.#renderSavedAt();
  }

  #askToSign() {
    replaceChildren(this.#ui.error);
    this.#ui.confirm.hidden = false;
    this.#ui.sign.hidden = true;
    this.#ui.confirm.querySelector("[data-testid=opinion-confirm-sign]")?.focus();
  }

  #hideConfirm() {
    this.#ui.confirm.hidden = true;
    this.#ui.sign.hidden = false;
  }

  async #sign() {
    // The server signs what it holds: unsaved text is saved first.
    if (this.#dirty || this.#opinion === null) await this.#save();
    if (this.#closed) return;
    const signed = await this.#ctx.session.request("POST", `${this.#base}/opinion/sign`);
    if (this.#closed) return;
    this.#opinion = signed;
    this.#verification = await this.#ctx.session
      .request("GET", `${this.#base}/opinion/verification`)
      .catch((error) => ({ ok: false, problems: [error?.message ?? String(error)] }));
    if (!this.#closed) this.#renderSigned();
  }

  // --- the signed opinion --------------------------------------------------------------

  #renderSigned() {
    const { i18n } = this.#ctx;
    const { content, signature } = this.#opinion;
    this.#ui.page.dataset.state = "signed";
    this.#ui.savedAt = null;
    const sections = SECTIONS.map((name) =>
      h(
        "div",
        { class: "hospital-field opinion-editor__section" },
        i18n.text(h("label", { class: "hospital-field__label", for: `opinion-${name}` }), `opinion.section.${name}`),
        h("textarea", {
          class: "field__input opinion-editor__text",
          id: `opinion-${name}`,
          rows: 4,
          readOnly: true,
          value: content[name],
          "data-testid": `opinion-${name}`,
        }),
      ),
    );
    const hashes = signature.recording_manifest_sha256;
    const row = (key, value, testid) => [i18n.text(h("dt", {}), key), h("dd", { "data-testid": testid }, value)];
    const ok = Boolean(this.#verification?.ok);
    const verification = h(
      "div",
      {
        class: `opinion-editor__verification ${ok ? "is-ok" : "is-bad"}`,
        role: "status",
        "data-testid": "opinion-verification",
        "data-ok": String(ok),
      },
      i18n.text(h("strong", {}), ok ? "opinion.verified" : "opinion.notVerified"),
      ok ? null : h("ul", {}, (this.#verification?.problems ?? []).map((p) => h("li", {}, p))),
    );
    replaceChildren(
      this.#ui.body,
      i18n.text(h("p", { class: "hospital-notice hospital-notice--ok", role: "status", "data-testid": "opinion-frozen" }), "opinion.frozen"),
      h("div", { class: "opinion-editor__sections hospital-card" }, sections),
      h(
        "section",
        { class: "opinion-editor__signature hospital-card", "data-testid": "opinion-signature" },
        i18n.text(h("h2", { class: "hospital-section-title" }), "opinion.signature.title"),
        h(
          "dl",
          { class: "hospital-facts" },
          row("opinion.signature.signer", signature.signer_name, "opinion-signer"),
          row("opinion.signature.signerTitle", signature.signer_title || "—", "opinion-signer-title"),
          row("opinion.signature.signedAt", i18n.dateTime(signature.signed_at_ms), "opinion-signed-at"),
          row("opinion.signature.algorithm", signature.algorithm, "opinion-algorithm"),
          row("opinion.signature.keyId", h("code", {}, signature.key_id), "opinion-key-id"),
          row(
            "opinion.signature.recordings",
            hashes.length
              ? h("ul", { class: "opinion-editor__hashes" }, hashes.map((hash) => h("li", {}, h("code", {}, hash))))
              : i18n.text(h("span", {}), "opinion.signature.noRecordings"),
            "opinion-manifests",
          ),
        ),
        verification,
      ),
    );
  }

  #languageChanged() {
    if (this.#closed) return;
    if (this.#ui.page.dataset.state === "signed") this.#renderSigned();
    else this.#renderSavedAt();
  }
}
