/**
 * The coordinator's inbox (`/#/inbox`): the referrals addressed to the institution,
 * pending ones first. Selecting one shows what the clinic wrote and the decision
 * panel (accept with experts and a time, or decline with a reason). A decided case
 * moves out of pending; a new referral appears as soon as its `referral-received`
 * notification arrives.
 */

import { statusChip } from "./case_status.js";
import { decisionForm } from "./decision_form.js";
import { h, replaceChildren } from "./dom.js";
import { HospitalDirectory } from "./hospital_directory.js";
import { hospitalPage } from "./hospital_page.js";
import { LiveReload } from "./live_reload.js";
import { patientLabel } from "./patient_label.js";
import { refusalNote } from "./refusal.js";

/** Notifications that change what the inbox lists. */
const RELOAD_ON = new Set(["referral-received", "referral-accepted", "referral-declined", "consultation-created"]);

export function mountInbox(root, ctx) {
  return new InboxPage(root, ctx);
}

class InboxPage {
  #root;
  #ctx;
  #directory;
  #closed = false;
  #referrals = [];
  #selectedId = null;
  /** The open decision form, kept across reloads and language changes: `{caseId, element}`. */
  #form = null;
  #live;
  #ui;

  constructor(root, ctx) {
    this.#root = root;
    this.#ctx = ctx;
    this.#directory = new HospitalDirectory(ctx.session);
    const { i18n } = ctx;
    this.#ui = {
      status: h("div", { class: "hospital-status", "aria-live": "polite" }),
      pending: h("ul", { class: "inbox__list", "data-testid": "inbox-pending" }),
      decided: h("ul", { class: "inbox__list", "data-testid": "inbox-decided" }),
      pendingCount: h("span", { class: "hospital-count", "data-testid": "inbox-pending-count" }),
      detail: h("section", { class: "inbox__detail hospital-card", "data-testid": "inbox-detail" }),
    };
    const onRefresh = () => this.#live.reload();
    replaceChildren(
      root,
      hospitalPage(
        i18n,
        { name: "inbox", status: this.#ui.status, onRefresh },
        h(
          "div",
          { class: "inbox__body" },
          h(
            "aside",
            { class: "inbox__lists hospital-card" },
            h("h2", { class: "hospital-section-title" }, i18n.text(h("span", {}), "inbox.pending"), this.#ui.pendingCount),
            this.#ui.pending,
            i18n.text(h("h2", { class: "hospital-section-title" }), "inbox.decided"),
            this.#ui.decided,
          ),
          this.#ui.detail,
        ),
      ),
    );
    if (!ctx.session.allowed("accept-referral")) {
      replaceChildren(this.#ui.status, i18n.text(h("p", { class: "refusal", role: "alert", "data-testid": "inbox-refusal" }), "inbox.notForRole"));
    }
    this.#live = new LiveReload(ctx, {
      load: () => this.#load(),
      concerns: ({ event }) => RELOAD_ON.has(event),
      render: () => this.#render(),
    });
    this.#live.reload();
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#live.close();
  }

  async #load() {
    try {
      const body = await this.#ctx.session.request("GET", "/api/referrals");
      await this.#directory.institutions();
      if (this.#closed) return;
      this.#referrals = body.referrals;
      this.#root.querySelector(".inbox")?.setAttribute("data-loaded", "true");
      await this.#render();
    } catch (error) {
      if (!this.#closed) replaceChildren(this.#ui.status, refusalNote(this.#ctx.i18n, error, "inbox-error"));
    }
  }

  async #render() {
    const { i18n } = this.#ctx;
    const byNewest = (a, b) => b.created_at_ms - a.created_at_ms;
    const pending = this.#referrals.filter((r) => r.status === "submitted").sort(byNewest);
    const decided = this.#referrals.filter((r) => r.status !== "submitted").sort((a, b) => (b.decided_at_ms ?? 0) - (a.decided_at_ms ?? 0));
    const pendingItems = await Promise.all(pending.map((r) => this.#item(r)));
    const decidedItems = await Promise.all(decided.map((r) => this.#item(r)));
    if (this.#closed) return;
    replaceChildren(this.#ui.pendingCount, String(pending.length));
    replaceChildren(this.#ui.pending, pendingItems.length ? pendingItems : i18n.text(h("li", { class: "hospital-empty", "data-testid": "inbox-empty" }), "inbox.empty"));
    replaceChildren(this.#ui.decided, decidedItems.length ? decidedItems : i18n.text(h("li", { class: "hospital-empty" }), "inbox.noneDecided"));
    await this.#renderDetail();
  }

  async #item(referral) {
    const { i18n } = this.#ctx;
    const from = await this.#directory.institutionName(referral.from_institution_id);
    const requested = await this.#requestedLine(referral);
    const selected = referral.id === this.#selectedId;
    return h(
      "li",
      {},
      h(
        "button",
        {
          class: "inbox__item",
          type: "button",
          "data-testid": "inbox-item",
          "data-case-id": referral.id,
          "data-status": referral.status,
          "aria-current": selected ? "true" : "false",
          onclick: () => this.#select(referral.id),
        },
        h("span", { class: "inbox__item-top" }, h("span", { class: "inbox__from" }, from), statusChip(i18n, referral.status)),
        patientLabel(i18n, referral.patient),
        h("span", { class: "inbox__complaint" }, referral.chief_complaint),
        requested ? h("span", { class: "inbox__requested" }, requested) : null,
        h(
          "span",
          { class: "inbox__meta" },
          i18n.text(h("span", {}), "inbox.proposedAt", { time: i18n.dateTime(referral.proposed_at_ms) }),
          i18n.text(h("span", {}), "inbox.receivedAt", { time: i18n.dateTime(referral.created_at_ms) }),
        ),
      ),
    );
  }

  async #requestedLine(referral) {
    const names = referral.requested_expert_ids.length
      ? await this.#directory.expertNames(referral.to_institution_id, referral.requested_expert_ids).catch(() => referral.requested_expert_ids)
      : [];
    return [...referral.requested_specialties, ...names].join("、");
  }

  #select(caseId) {
    this.#selectedId = caseId;
    for (const button of this.#root.querySelectorAll("[data-testid=inbox-item]")) {
      button.setAttribute("aria-current", button.dataset.caseId === caseId ? "true" : "false");
    }
    this.#renderDetail();
  }

  async #renderDetail() {
    const { i18n, session } = this.#ctx;
    const referral = this.#referrals.find((r) => r.id === this.#selectedId);
    if (!referral) {
      replaceChildren(this.#ui.detail, i18n.text(h("p", { class: "hospital-empty" }), "inbox.choose"));
      this.#ui.detail.removeAttribute("data-case-id");
      return;
    }
    const from = await this.#directory.institutionName(referral.from_institution_id);
    const requested = await this.#requestedLine(referral);
    let decision = null;
    if (referral.status === "submitted" && session.allowed("accept-referral")) {
      decision = await this.#decisionForm(referral);
    } else if (referral.status === "declined") {
      decision = h(
        "div",
        { class: "hospital-outcome hospital-outcome--declined", "data-testid": "inbox-outcome" },
        i18n.text(h("p", {}), "inbox.declinedBecause", { reason: referral.decline_reason }),
      );
    } else if (referral.status !== "submitted") {
      const experts = await this.#directory.expertNames(referral.to_institution_id, referral.assigned_expert_ids).catch(() => referral.assigned_expert_ids);
      decision = h(
        "div",
        { class: "hospital-outcome", "data-testid": "inbox-outcome" },
        i18n.text(h("p", {}), "inbox.acceptedFor", {
          experts: experts.join("、"),
          time: i18n.dateTime(referral.scheduled_at_ms),
          minutes: referral.duration_minutes,
        }),
        i18n.text(h("a", { class: "hospital-link", href: "#/schedule", "data-testid": "inbox-to-schedule" }), "inbox.toSchedule"),
      );
    }
    if (this.#closed || referral.id !== this.#selectedId) return;
    const row = (key, value) => (value ? [i18n.text(h("dt", {}), key), h("dd", {}, value)] : null);
    this.#ui.detail.setAttribute("data-case-id", referral.id);
    replaceChildren(
      this.#ui.detail,
      h(
        "header",
        { class: "inbox__case-head" },
        h("div", {}, h("h2", { class: "inbox__case-title" }, patientLabel(i18n, referral.patient)), h("p", { class: "hospital-page__lead" }, from)),
        statusChip(i18n, referral.status),
      ),
      h(
        "dl",
        { class: "hospital-facts" },
        row("inbox.field.chiefComplaint", referral.chief_complaint),
        row("inbox.field.summary", referral.summary),
        row("inbox.field.history", referral.history),
        row("inbox.field.reason", referral.reason),
        row("inbox.field.purpose", referral.purpose),
        row("inbox.field.requested", requested),
        row("inbox.field.requestedTitle", referral.requested_title),
        row("inbox.field.proposedAt", i18n.dateTime(referral.proposed_at_ms)),
        row("inbox.field.receivedAt", i18n.dateTime(referral.created_at_ms)),
      ),
      i18n.text(h("a", { class: "hospital-link", href: `#/cases/${encodeURIComponent(referral.id)}`, "data-testid": "inbox-open-case" }), "inbox.openCase"),
      decision,
    );
  }

  /** The form for a pending case; the same element while that case stays selected. */
  async #decisionForm(referral) {
    if (this.#form?.caseId === referral.id) return this.#form.element;
    const experts = await this.#directory.experts(referral.to_institution_id).catch(() => []);
    if (this.#form?.caseId === referral.id) return this.#form.element;
    const element = decisionForm(this.#ctx, referral, experts, (decided) => {
      if (this.#closed) return;
      this.#form = null;
      this.#referrals = this.#referrals.map((r) => (r.id === decided.id ? decided : r));
      this.#render();
    });
    this.#form = { caseId: referral.id, element };
    return element;
  }
}
