/**
 * `/cases/:id`: everything about one case for whoever may read it. The patient and
 * the clinical summary; the status and its history (who decided and when, the decline
 * reason, the assigned experts, the time); attachments; the two consents; the
 * consultation (created by the coordinator, joined by the invited); the signed opinion
 * and its verification; the exports. Actions appear only to those whose role allows
 * them; a case out of the caller's reach reads as not found, as the server says.
 * It reloads when a notification about this case arrives.
 */

import { AttachmentsPanel } from "./attachments_panel.js";
import { fact, facts, personName } from "./case_facts.js";
import { renderOpinion } from "./case_opinion.js";
import { statusChip } from "./case_status.js";
import { ConsentsPanel } from "./consents_panel.js";
import { h, replaceChildren } from "./dom.js";
import { saveDownload } from "./file_download.js";
import { LiveReload } from "./live_reload.js";
import { ageYears } from "./patient_label.js";
import { clearRefusal, showRefusal } from "./refusal.js";

const OPEN = ["submitted", "accepted", "in-consultation"];

export function mountCaseView(root, ctx, params) {
  const view = new CaseView(root, ctx, params.id);
  view.load();
  return { close: () => view.close() };
}

class CaseView {
  #root;
  #ctx;
  #id;
  #data = null;
  #institutions = new Map();
  #parts = null;
  #closed = false;
  #live;

  constructor(root, ctx, id) {
    this.#root = root;
    this.#ctx = ctx;
    this.#id = id;
    root.append(ctx.i18n.text(h("p", { class: "cases-muted cases-page", "data-testid": "case-loading" }), "cases.loading"));
    this.#live = new LiveReload(ctx, {
      load: () => this.#fetch(),
      concerns: ({ payload }) => payload?.case_id === id,
      render: () => this.#render(),
    });
  }

  get #base() {
    return `/api/referrals/${encodeURIComponent(this.#id)}`;
  }

  /** Loads (or reloads) the case; a reload asked for while one runs follows it. */
  load() {
    return this.#live.reload();
  }

  async #fetch() {
    const { session } = this.#ctx;
    let referral;
    try {
      referral = await session.request("GET", this.#base);
    } catch (error) {
      if (!this.#closed) this.#showFailure(error);
      return;
    }
    const problems = [];
    const optional = (promise, missing = null) =>
      promise.catch((error) => {
        if (error?.code !== "opinion-not-found") problems.push(error);
        return missing;
      });
    const [attachments, consents, opinion, institutions] = await Promise.all([
      optional(session.request("GET", `${this.#base}/attachments`), { attachments: [] }),
      optional(session.request("GET", `${this.#base}/consents`), { consents: [] }),
      referral.consultation_id ? optional(session.request("GET", `${this.#base}/opinion`)) : null,
      this.#institutions.size ? null : optional(session.request("GET", "/api/institutions")),
    ]);
    const verification = opinion?.signature
      ? await optional(session.request("GET", `${this.#base}/opinion/verification`))
      : null;
    if (this.#closed) return;
    for (const institution of institutions?.institutions ?? []) this.#institutions.set(institution.id, institution);
    this.#data = {
      referral,
      attachments: attachments.attachments,
      consents: consents.consents,
      opinion,
      verification,
      problems,
    };
    this.#render();
  }

  #showFailure(error) {
    const { i18n, navigate } = this.#ctx;
    const notFound = error?.status === 404;
    this.#parts = null;
    replaceChildren(
      this.#root,
      h(
        "section",
        { class: "cases-page cases-missing", "data-testid": notFound ? "case-not-found" : "case-error", role: "alert" },
        i18n.text(h("h1", { class: "cases-page__title" }), notFound ? "cases.view.notFoundTitle" : "cases.view.errorTitle"),
        notFound
          ? i18n.text(h("p", { class: "cases-muted" }), "cases.view.notFound")
          : showRefusal(i18n, h("p", { class: "refusal" }), error),
        h(
          "div",
          { class: "cases-form__actions" },
          i18n.text(
            h("button", { type: "button", class: "btn btn--secondary", onclick: () => navigate(backTo(this.#ctx.session).path) }),
            backTo(this.#ctx.session).key,
          ),
        ),
      ),
    );
  }

  /** Builds the page once (the panels keep what is typed in their forms), then fills
   * every part from the current data; called again on reload and language switch. */
  #render() {
    if (this.#closed || !this.#data) return;
    this.#parts ??= this.#build();
    const { i18n, session } = this.#ctx;
    const { referral, attachments, consents, problems } = this.#data;
    const parts = this.#parts;
    const people = referral.people ?? {};
    const open = OPEN.includes(referral.status);
    const ours = referral.from_institution_id === session.account?.institution_id;

    replaceChildren(parts.title, referral.patient.name, " ", statusChip(i18n, referral.status));
    parts.caseId.textContent = referral.id;
    replaceChildren(parts.patient, this.#patientFacts(referral));
    replaceChildren(parts.clinical, this.#clinicalFacts(referral, people));
    replaceChildren(parts.history, this.#history(referral, people));
    this.#renderConsultation(parts.consultation);
    renderOpinion(this.#ctx, parts.opinion, this.#data);
    parts.attachments.update(attachments, { canAdd: open && ours && session.allowed("add-attachment"), people });
    parts.consents.update(consents, {
      attachments,
      canRecord: open && ours && session.allowed("record-consent"),
      people,
    });
    parts.problems.hidden = problems.length === 0;
    if (problems.length) showRefusal(i18n, parts.problems, problems[0]);
  }

  #build() {
    const { i18n, session, navigate } = this.#ctx;
    const card = (titleKey, testId, ...content) =>
      h(
        "section",
        { class: "case-card", "data-testid": testId },
        i18n.text(h("h2", { class: "case-card__title" }), titleKey),
        content,
      );
    const parts = {
      title: h("h1", { class: "cases-page__title case-view__title", "data-testid": "case-title" }),
      caseId: h("span", { class: "case-view__id", "data-testid": "case-id" }),
      patient: h("div", { "data-testid": "case-patient" }),
      clinical: h("div", { "data-testid": "case-clinical" }),
      history: h("ol", { class: "case-history", "data-testid": "case-history" }),
      consultation: h("div", { "data-testid": "case-consultation" }),
      opinion: h("div", { "data-testid": "case-opinion" }),
      problems: h("p", { class: "refusal", role: "alert", hidden: true }),
      attachments: new AttachmentsPanel(this.#ctx, this.#id, () => this.load()),
      consents: new ConsentsPanel(this.#ctx, this.#id, () => this.load()),
      exportError: h("p", { class: "refusal", role: "alert", "data-testid": "export-error", hidden: true }),
    };
    const exports = session.allowed("export-case")
      ? card(
          "cases.export.title",
          "case-exports",
          h(
            "div",
            { class: "case-exports" },
            this.#exportButton("cases.export.pdf", "export-pdf", "pdf", `case-${this.#id}.pdf`),
            this.#exportButton("cases.export.fhir", "export-fhir", "fhir", `case-${this.#id}.fhir.json`),
          ),
          parts.exportError,
        )
      : null;
    replaceChildren(
      this.#root,
      h(
        "section",
        { class: "cases-page case-view", "data-testid": "case-view", "data-case-id": this.#id },
        h(
          "header",
          { class: "cases-page__header" },
          h(
            "div",
            {},
            i18n.text(
              h("a", {
                class: "case-view__back",
                href: `#${backTo(session).path}`,
                onclick: (event) => {
                  event.preventDefault();
                  navigate(backTo(session).path);
                },
              }),
              backTo(session).key,
            ),
            parts.title,
            h("p", { class: "cases-muted" }, i18n.text(h("span"), "cases.view.caseId"), " ", parts.caseId),
          ),
        ),
        parts.problems,
        h(
          "div",
          { class: "case-view__columns" },
          h(
            "div",
            { class: "case-view__main" },
            card("cases.view.patient", "patient-card", parts.patient),
            card("cases.view.clinical", "clinical-card", parts.clinical),
            card("cases.opinion.title", "opinion-card", parts.opinion),
            parts.attachments.element,
            parts.consents.element,
          ),
          h(
            "aside",
            { class: "case-view__side" },
            card("cases.view.progress", "progress-card", parts.history),
            card("cases.consultation.title", "consultation-card", parts.consultation),
            exports,
          ),
        ),
      ),
    );
    return parts;
  }

  #patientFacts(referral) {
    const { i18n } = this.#ctx;
    const patient = referral.patient;
    return facts(
      fact(i18n, "cases.patient.name", h("span", { "data-testid": "patient-name" }, patient.name)),
      fact(i18n, "cases.patient.sex", i18n.text(h("span"), `referral.sex.${patient.sex}`)),
      fact(i18n, "cases.patient.birthDate", [
        patient.birth_date,
        " ",
        i18n.text(h("span", { class: "cases-muted" }), "cases.patient.age", { years: ageYears(patient.birth_date, Date.now()) }),
      ]),
      fact(i18n, "cases.patient.idNumber", patient.id_number),
    );
  }

  #clinicalFacts(referral, people) {
    const { i18n } = this.#ctx;
    const text = (value) => h("span", { class: "case-text" }, value);
    const experts = referral.requested_expert_ids.map((id) => personName(people, id, id));
    return facts(
      fact(i18n, "referral.chiefComplaint", text(referral.chief_complaint)),
      fact(i18n, "referral.summary", text(referral.summary)),
      referral.history ? fact(i18n, "referral.history", text(referral.history)) : null,
      fact(i18n, "referral.reason", text(referral.reason)),
      fact(i18n, "referral.purpose", text(referral.purpose)),
      fact(i18n, "cases.view.from", this.#institutionName(referral.from_institution_id)),
      fact(i18n, "referral.institution", this.#institutionName(referral.to_institution_id)),
      referral.requested_specialties.length
        ? fact(i18n, "referral.specialties", referral.requested_specialties.join("、"))
        : null,
      experts.length ? fact(i18n, "referral.experts", experts.join("、")) : null,
      referral.requested_title ? fact(i18n, "referral.title", referral.requested_title) : null,
      fact(i18n, "referral.proposedAt", i18n.dateTime(referral.proposed_at_ms)),
    );
  }

  #institutionName(id) {
    return this.#institutions.get(id)?.name ?? id;
  }

  /** The status history, oldest first. */
  #history(referral, people) {
    const { i18n } = this.#ctx;
    const step = (key, ms, ...details) =>
      h(
        "li",
        { class: "case-history__step", "data-testid": "history-step", "data-step": key.split(".").pop() },
        h("span", { class: "case-history__dot", "aria-hidden": "true" }),
        h(
          "div",
          {},
          i18n.text(h("strong", {}), key),
          ms ? h("span", { class: "cases-muted case-history__time" }, i18n.dateTime(ms)) : null,
          details.filter(Boolean).map((d) => h("p", { class: "case-history__detail" }, d)),
        ),
      );
    const who = (id) => personName(people, id, "");
    const byLine = (id) => (who(id) ? [i18n.text(h("span"), "cases.history.by"), " ", who(id)] : null);
    const steps = [step("cases.history.submitted", referral.created_at_ms, byLine(referral.requested_by))];
    if (referral.status === "declined") {
      steps.push(
        step(
          "cases.history.declined",
          referral.decided_at_ms,
          byLine(referral.decided_by),
          h("span", { "data-testid": "decline-reason" }, i18n.text(h("span"), "cases.history.reason"), " ", referral.decline_reason),
        ),
      );
      return steps;
    }
    if (referral.decided_at_ms) {
      steps.push(
        step(
          "cases.history.accepted",
          referral.decided_at_ms,
          byLine(referral.decided_by),
          [
            i18n.text(h("span"), "cases.history.experts"),
            " ",
            h("span", { "data-testid": "assigned-experts" }, referral.assigned_expert_ids.map((id) => personName(people, id, id)).join("、")),
          ],
          referral.scheduled_at_ms
            ? [
                i18n.text(h("span"), "cases.history.scheduled"),
                " ",
                h("span", { "data-testid": "scheduled-at" }, i18n.dateTime(referral.scheduled_at_ms)),
                referral.duration_minutes
                  ? [" ", i18n.text(h("span", { class: "cases-muted" }), "cases.history.duration", { minutes: referral.duration_minutes })]
                  : null,
              ]
            : null,
        ),
      );
    } else {
      steps.push(
        h(
          "li",
          { class: "case-history__step case-history__step--pending" },
          h("span", { class: "case-history__dot", "aria-hidden": "true" }),
          i18n.text(h("span", { class: "cases-muted" }), "cases.history.waiting"),
        ),
      );
    }
    if (referral.consultation_id) {
      steps.push(step("cases.history.consultation", referral.consultation_created_at_ms));
    }
    if (referral.returned_at_ms) steps.push(step("cases.history.returned", referral.returned_at_ms));
    return steps;
  }

  #renderConsultation(body) {
    const { i18n, session } = this.#ctx;
    const { referral, consents } = this.#data;
    const error = h("p", { class: "refusal", role: "alert", "data-testid": "consultation-error", hidden: true });
    const consented = consents.some((c) => c.kind === "consultation");
    const invited = invitedIds(referral).includes(session.account?.id);
    const content = [];
    if (referral.status === "submitted") content.push(i18n.text(h("p", { class: "cases-muted" }), "cases.consultation.waitingDecision"));
    else if (referral.status === "declined") content.push(i18n.text(h("p", { class: "cases-muted" }), "cases.consultation.declined"));
    else if (referral.status === "accepted") {
      content.push(i18n.text(h("p", { class: "cases-muted" }), "cases.consultation.notYet"));
      if (session.allowed("create-consultation")) {
        const button = i18n.text(
          h("button", {
            type: "button",
            class: "btn btn--primary",
            "data-testid": "create-consultation",
            disabled: !consented,
            onclick: () => this.#act(button, error, () => session.request("POST", `${this.#base}/consultation`)),
          }),
          "cases.consultation.create",
        );
        content.push(button);
        if (!consented) content.push(i18n.text(h("p", { class: "field__hint" }), "cases.consultation.needsConsent"));
      }
    } else if (referral.status === "in-consultation") {
      content.push(i18n.text(h("p", { "data-testid": "consultation-open" }), "cases.consultation.open"));
      if (!consented) content.push(i18n.text(h("p", { class: "field__hint" }), "cases.consultation.needsConsentToJoin"));
      if (invited) {
        const button = i18n.text(
          h("button", {
            type: "button",
            class: "btn btn--primary btn--large",
            "data-testid": "join-consultation",
            onclick: () => this.#follow(button, error, "join-link"),
          }),
          "cases.consultation.join",
        );
        content.push(button);
      }
    } else content.push(i18n.text(h("p", { class: "cases-muted" }), "cases.consultation.over"));
    if (referral.consultation_id && invited) {
      // The record (recordings, CT) stays open to the invited during and after the call.
      const review = i18n.text(
        h("button", {
          type: "button",
          class: "btn btn--secondary",
          "data-testid": "review-consultation",
          onclick: () => this.#follow(review, error, "review-link"),
        }),
        "cases.consultation.review",
      );
      content.push(review);
    }
    if (referral.scheduled_at_ms && OPEN.includes(referral.status)) {
      content.unshift(
        facts(
          fact(i18n, "cases.history.scheduled", i18n.dateTime(referral.scheduled_at_ms)),
          referral.duration_minutes
            ? fact(i18n, "cases.consultation.duration", i18n.text(h("span"), "cases.history.duration", { minutes: referral.duration_minutes }))
            : null,
        ),
      );
    }
    replaceChildren(body, content, error);
  }

  /** Opens the caller's own join or review link (`kind`), which the server makes. */
  async #follow(button, error, kind) {
    const { session } = this.#ctx;
    clearRefusal(error);
    button.disabled = true;
    try {
      const link = await session.request("POST", `${this.#base}/consultation/${kind}`);
      if (!this.#closed) window.location.assign(link.url);
    } catch (failure) {
      if (!this.#closed) showRefusal(this.#ctx.i18n, error, failure);
      button.disabled = false;
    }
  }

  async #act(button, error, action) {
    clearRefusal(error);
    button.disabled = true;
    try {
      await action();
      if (!this.#closed) await this.load();
    } catch (failure) {
      if (!this.#closed) showRefusal(this.#ctx.i18n, error, failure);
      button.disabled = false;
    }
  }

  #exportButton(labelKey, testId, kind, filename) {
    const { i18n, session } = this.#ctx;
    const button = i18n.text(
      h("button", {
        type: "button",
        class: "btn btn--secondary",
        "data-testid": testId,
        onclick: async () => {
          clearRefusal(this.#parts.exportError);
          button.disabled = true;
          try {
            await saveDownload(session, `${this.#base}/export/${kind}`, filename);
          } catch (error) {
            if (!this.#closed) showRefusal(i18n, this.#parts.exportError, error);
          } finally {
            button.disabled = false;
          }
        },
      }),
      labelKey,
    );
    return button;
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#live.close();
    this.#parts?.attachments.close();
    this.#parts?.consents.close();
  }
}

/** Where "back" leads: a coordinator's cases are in the inbox, everyone else's in the list. */
function backTo(session) {
  if (session.allowed("accept-referral")) return { path: "/inbox", key: "cases.view.backToInbox" };
  return { path: "/cases", key: "cases.view.back" };
}

/** Who may join (rooms/referral.py `participants`): the referring doctor, the deciding
 * coordinator unless declined, the assigned experts. */
function invitedIds(referral) {
  const ids = [referral.requested_by, ...referral.assigned_expert_ids];
  if (referral.decided_by && referral.status !== "declined") ids.push(referral.decided_by);
  return ids;
}
