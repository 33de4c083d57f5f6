/**
 * The schedule (`/#/schedule`): accepted consultations in the order they happen,
 * grouped by day (today, tomorrow, then dates), for the coordinator, the assigned
 * experts and the inviting doctor alike (each sees the cases the server lists for
 * them). The coordinator creates the consultation of an accepted case; once it
 * exists, everyone invited enters it with a join link made for them alone.
 */

import { statusChip } from "./case_status.js";
import { append, h, replaceChildren } from "./dom.js";
import { HospitalDirectory } from "./hospital_directory.js";
import { hospitalPage } from "./hospital_page.js";
import { LiveReload } from "./live_reload.js";
import { patientLabel } from "./patient_label.js";
import { refusalNote } from "./refusal.js";

const SCHEDULED = new Set(["accepted", "in-consultation", "returned"]);
const RELOAD_ON = new Set(["referral-accepted", "expert-assigned", "consultation-created", "opinion-returned"]);

/** `YYYY-MM-DD` of `ms` in local time: the day a consultation is listed under. */
export function localDay(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The referrals that have a time, earliest first, grouped by local day: `[[day, [referral…]]…]`. */
export function byDay(referrals) {
  const groups = new Map();
  const scheduled = referrals.filter((r) => SCHEDULED.has(r.status) && r.scheduled_at_ms != null);
  for (const referral of scheduled.sort((a, b) => a.scheduled_at_ms - b.scheduled_at_ms)) {
    const day = localDay(referral.scheduled_at_ms);
    if (!groups.has(day)) groups.set(day, []);
    groups.get(day).push(referral);
  }
  return [...groups];
}

export function mountSchedule(root, ctx) {
  return new SchedulePage(root, ctx);
}

class SchedulePage {
  #root;
  #ctx;
  #directory;
  #closed = false;
  #referrals = [];
  /** Refusals shown under a case until the next action on it, by case id. */
  #errors = new Map();
  #live;
  #list;
  #status;

  constructor(root, ctx) {
    this.#root = root;
    this.#ctx = ctx;
    this.#directory = new HospitalDirectory(ctx.session);
    const { i18n } = ctx;
    this.#list = h("div", { class: "schedule__days", "data-testid": "schedule-days" });
    this.#status = h("div", { class: "hospital-status", "aria-live": "polite" });
    replaceChildren(root, hospitalPage(i18n, { name: "schedule", status: this.#status, onRefresh: () => this.#live.reload() }, this.#list));
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
      if (this.#closed) return;
      this.#referrals = body.referrals;
      replaceChildren(this.#status);
      await this.#render();
      this.#root.querySelector(".schedule")?.setAttribute("data-loaded", "true");
    } catch (error) {
      if (!this.#closed) replaceChildren(this.#status, refusalNote(this.#ctx.i18n, error, "schedule-error"));
    }
  }

  async #render() {
    const { i18n } = this.#ctx;
    const days = byDay(this.#referrals);
    const rendered = await Promise.all(
      days.map(async ([day, referrals]) =>
        h(
          "section",
          { class: "schedule__day hospital-card", "data-testid": "schedule-day", "data-day": day },
          dayTitle(i18n, day),
          h("ul", { class: "schedule__list" }, await Promise.all(referrals.map((r) => this.#item(r)))),
        ),
      ),
    );
    if (this.#closed) return;
    replaceChildren(
      this.#list,
      rendered.length ? rendered : i18n.text(h("p", { class: "hospital-empty hospital-card", "data-testid": "schedule-empty" }), "schedule.empty"),
    );
  }

  async #item(referral) {
    const { i18n, session } = this.#ctx;
    const account = session.account;
    const experts = await this.#directory
      .expertNames(referral.to_institution_id, referral.assigned_expert_ids)
      .catch(() => referral.assigned_expert_ids);
    const invited = account.id === referral.requested_by || account.id === referral.decided_by || referral.assigned_expert_ids.includes(account.id);
    const caseHref = `#/cases/${encodeURIComponent(referral.id)}`;
    const actions = [i18n.text(h("a", { class: "hospital-link", href: caseHref, "data-testid": "schedule-case" }), "schedule.openCase")];
    if (referral.status === "accepted" && session.allowed("create-consultation")) {
      actions.push(this.#button(referral, "schedule.create", "schedule-create", "btn--primary", () => this.#create(referral)));
    }
    if (referral.status === "in-consultation" && invited && session.allowed("join-consultation")) {
      actions.push(this.#button(referral, "schedule.join", "schedule-join", "btn--primary", () => this.#join(referral)));
    }
    if (referral.consultation_id && session.allowed("write-opinion")) {
      actions.push(
        i18n.text(h("a", { class: "hospital-link", href: `${caseHref}/opinion`, "data-testid": "schedule-opinion" }), "schedule.opinion"),
      );
    }
    const error = this.#errors.get(referral.id);
    return h(
      "li",
      { class: "schedule__item", "data-testid": "schedule-item", "data-case-id": referral.id, "data-status": referral.status },
      h(
        "div",
        { class: "schedule__when" },
        h("strong", { class: "schedule__time", "data-testid": "schedule-time" }, i18n.time(referral.scheduled_at_ms)),
        i18n.text(h("span", { class: "schedule__duration" }), "schedule.minutes", { minutes: referral.duration_minutes }),
      ),
      h(
        "div",
        { class: "schedule__main" },
        patientLabel(i18n, referral.patient),
        h("span", { class: "inbox__complaint" }, referral.chief_complaint),
        i18n.text(h("span", { class: "schedule__experts", "data-testid": "schedule-experts" }), "schedule.experts", { names: experts.join("、") }),
      ),
      h("div", { class: "schedule__side" }, statusChip(i18n, referral.status), h("div", { class: "schedule__actions" }, actions)),
      error ? h("div", { class: "schedule__error" }, refusalNote(i18n, error, "schedule-refusal")) : null,
    );
  }

  #button(referral, key, testid, tone, action) {
    const button = h("button", {
      class: `btn ${tone}`,
      type: "button",
      "data-testid": testid,
      onclick: async () => {
        button.disabled = true;
        this.#errors.delete(referral.id);
        try {
          await action();
        } catch (error) {
          if (this.#closed) return;
          this.#errors.set(referral.id, error);
          button.disabled = false;
          await this.#render();
        }
      },
    });
    return this.#ctx.i18n.text(button, key);
  }

  async #create(referral) {
    const updated = await this.#ctx.session.request("POST", `/api/referrals/${encodeURIComponent(referral.id)}/consultation`);
    if (this.#closed) return;
    this.#referrals = this.#referrals.map((r) => (r.id === updated.id ? updated : r));
    await this.#render();
  }

  async #join(referral) {
    const link = await this.#ctx.session.request("POST", `/api/referrals/${encodeURIComponent(referral.id)}/consultation/join-link`);
    if (!this.#closed) window.location.assign(link.url);
  }
}

/** 今天 / 明天 / 昨天, else the date with its weekday, in the current language. */
function dayTitle(i18n, day) {
  const today = localDay(Date.now());
  const offset = Math.round((Date.parse(`${day}T12:00:00`) - Date.parse(`${today}T12:00:00`)) / 86_400_000);
  const named = { 0: "schedule.today", 1: "schedule.tomorrow", [-1]: "schedule.yesterday" }[offset];
  const title = h("h2", { class: "hospital-section-title schedule__day-title", "data-testid": "schedule-day-title" });
  const date = new Intl.DateTimeFormat(i18n.lang, { month: "long", day: "numeric", weekday: "short" }).format(Date.parse(`${day}T12:00:00`));
  if (named) return append(title, [i18n.text(h("span", {}), named), h("span", { class: "schedule__date" }, date)]);
  return append(title, h("span", {}, date));
}
