/**
 * `/cases`: the caller's cases (`GET /api/referrals`): sent by their clinic, addressed
 * to their hospital, or assigned to them. Newest first; a row opens the case. The list
 * reloads when a notification about any case arrives.
 */

import { caseTime, statusChip } from "./case_status.js";
import { h, replaceChildren } from "./dom.js";
import { LiveReload } from "./live_reload.js";
import { refusalNote } from "./refusal.js";

export function mountCaseList(root, ctx) {
  const list = new CaseList(root, ctx);
  list.load();
  return { close: () => list.close() };
}

class CaseList {
  #root;
  #ctx;
  #body;
  #referrals = null;
  #institutions = new Map();
  #closed = false;
  #live;

  constructor(root, ctx) {
    this.#root = root;
    this.#ctx = ctx;
    const { i18n, session } = ctx;
    this.#body = h("div", { class: "cases-list__body", "data-testid": "case-list", "aria-live": "polite" });
    const create = session.allowed("create-referral")
      ? i18n.text(
          h("button", {
            type: "button",
            class: "btn btn--primary",
            "data-testid": "new-referral",
            onclick: () => ctx.navigate("/referrals/new"),
          }),
          "cases.list.new",
        )
      : null;
    root.append(
      h(
        "section",
        { class: "cases-page cases-list" },
        h(
          "header",
          { class: "cases-page__header" },
          i18n.text(h("h1", { class: "cases-page__title" }), "cases.list.title"),
          create,
        ),
        this.#body,
      ),
    );
    this.#live = new LiveReload(ctx, {
      load: () => this.#fetch(),
      concerns: ({ payload }) => Boolean(payload?.case_id),
      render: () => this.#render(),
    });
  }

  /** Loads (or reloads) the list; a reload asked for while one runs follows it. */
  load() {
    return this.#live.reload();
  }

  async #fetch() {
    const { session, i18n } = this.#ctx;
    if (this.#referrals === null) {
      replaceChildren(this.#body, i18n.text(h("p", { class: "cases-muted" }), "cases.loading"));
    }
    try {
      const [referrals, institutions] = await Promise.all([
        session.request("GET", "/api/referrals"),
        this.#institutions.size ? null : session.request("GET", "/api/institutions"),
      ]);
      if (this.#closed) return;
      for (const institution of institutions?.institutions ?? []) {
        this.#institutions.set(institution.id, institution);
      }
      this.#referrals = [...referrals.referrals].sort((a, b) => b.created_at_ms - a.created_at_ms);
      this.#render();
    } catch (error) {
      if (this.#closed) return;
      replaceChildren(this.#body, refusalNote(i18n, error, "case-list-error"));
    }
  }

  #render() {
    if (this.#closed || this.#referrals === null) return;
    const { i18n } = this.#ctx;
    if (this.#referrals.length === 0) {
      replaceChildren(
        this.#body,
        i18n.text(h("p", { class: "cases-empty", "data-testid": "case-list-empty" }), "cases.list.empty"),
      );
      return;
    }
    const heading = (key) => i18n.text(h("th", { scope: "col" }), key);
    replaceChildren(
      this.#body,
      h(
        "table",
        { class: "cases-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            heading("cases.list.patient"),
            heading("cases.list.complaint"),
            heading("cases.list.institution"),
            heading("cases.list.status"),
            heading("cases.list.time"),
          ),
        ),
        h("tbody", {}, this.#referrals.map((r) => this.#row(r))),
      ),
    );
  }

  #row(referral) {
    const { i18n, navigate, session } = this.#ctx;
    const ours = referral.from_institution_id === session.account?.institution_id;
    const other = this.#institutions.get(ours ? referral.to_institution_id : referral.from_institution_id);
    const time = caseTime(referral);
    const open = () => navigate(`/cases/${encodeURIComponent(referral.id)}`);
    return h(
      "tr",
      { class: "cases-table__row", "data-testid": "case-row", "data-case-id": referral.id, onclick: open },
      h(
        "td",
        { class: "cases-table__patient" },
        h(
          "a",
          {
            href: `#/cases/${encodeURIComponent(referral.id)}`,
            onclick: (event) => {
              event.preventDefault();
              event.stopPropagation();
              open();
            },
          },
          referral.patient.name,
        ),
      ),
      h("td", { class: "cases-table__complaint" }, referral.chief_complaint),
      h("td", {}, other?.name ?? ""),
      h("td", {}, statusChip(i18n, referral.status)),
      h(
        "td",
        { class: "cases-table__time" },
        i18n.text(h("span", { class: "cases-muted" }), time.key),
        " ",
        time.ms ? i18n.dateTime(time.ms) : "",
      ),
    );
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#live.close();
  }
}
