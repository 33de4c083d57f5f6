/**
 * The administrator's accounts: who (login, real name, role, title, specialty,
 * institution) and in what state (active, locked after failed logins until a time,
 * disabled), filtered by institution (the server's `?institution_id=`) and by role
 * (here: the API has no such filter). A row disables its account after a confirmation
 * in the row itself, or enables a disabled one again. The API never sends a password
 * hash, and nothing here would show one.
 *
 * The own row has no disable button: the server refuses that (`own-account`), since an
 * administrator who did it could not log in again to undo it.
 */

import { h, replaceChildren } from "./dom.js";
import { clearRefusal, showRefusal } from "./refusal.js";

/** `rooms.account.AccountRole`, in the order the workflow meets them. */
export const ACCOUNT_ROLES = ["inviting-doctor", "coordinator", "expert", "administrator", "auditor"];

const COLUMNS = ["login", "realName", "role", "title", "specialty", "institution", "state", "actions"];

/** `active`, `locked` (failed logins, until `locked_until_ms`) or `disabled`. */
export function accountState(account, nowMs = Date.now()) {
  if (account.disabled_at_ms !== null && account.disabled_at_ms !== undefined) return "disabled";
  if (account.locked_until_ms && account.locked_until_ms > nowMs) return "locked";
  return "active";
}

export class AccountTable {
  #ctx;
  #institutions = new Map();
  #accounts;
  #institutionFilter;
  #roleFilter;
  #rows;
  #count;
  #status;
  #done;
  /** The id of the account whose disabling waits for a confirmation, if any. */
  #confirming = null;
  #busy = new Set();
  #loading = 0;
  #closed = false;
  #unsubscribe;
  /** The section: filters, count, table. */
  element;

  constructor(ctx, { institutions, accounts }) {
    this.#ctx = ctx;
    this.#accounts = accounts;
    const { i18n } = ctx;
    this.#institutionFilter = h("select", { class: "select", "data-testid": "account-filter-institution", onchange: () => this.reload() });
    this.#roleFilter = h(
      "select",
      { class: "select", "data-testid": "account-filter-role", onchange: () => this.#render() },
      i18n.text(h("option", { value: "" }), "admin.accounts.anyRole"),
      ACCOUNT_ROLES.map((role) => i18n.text(h("option", { value: role }), `accountRole.${role}`)),
    );
    this.setInstitutions(institutions);
    this.#rows = h("tbody", {});
    this.#count = h("p", { class: "admin-muted", "data-testid": "account-count" });
    this.#status = h("p", { class: "refusal", role: "alert", "data-testid": "account-error", hidden: true });
    this.#done = h("p", { class: "admin-done", role: "status", "data-testid": "account-done", hidden: true });
    const filter = (key, control) => h("label", { class: "field admin-filter" }, i18n.text(h("span", { class: "field__label" }), key), control);
    this.element = h(
      "section",
      { class: "admin-card admin-accounts", "data-testid": "accounts" },
      i18n.text(h("h2", { class: "admin-card__title" }), "admin.accounts.title"),
      h(
        "div",
        { class: "admin-filters" },
        filter("admin.accounts.filterInstitution", this.#institutionFilter),
        filter("admin.accounts.filterRole", this.#roleFilter),
        this.#count,
      ),
      this.#status,
      this.#done,
      h(
        "div",
        { class: "admin-scroll" },
        h(
          "table",
          { class: "data-table admin-table", "data-testid": "account-table" },
          h("thead", {}, h("tr", {}, COLUMNS.map((c) => i18n.text(h("th", { scope: "col" }), `admin.accounts.col.${c}`)))),
          this.#rows,
        ),
      ),
    );
    // Times ("locked until …") are written in the language of the moment.
    this.#unsubscribe = i18n.on("change", () => this.#render());
    this.#render();
  }

  /** The institutions to name and filter by (the chosen filter stays when it still exists). */
  setInstitutions(institutions) {
    const { i18n } = this.#ctx;
    this.#institutions = new Map(institutions.map((i) => [i.id, i]));
    const chosen = this.#institutionFilter.value;
    replaceChildren(
      this.#institutionFilter,
      i18n.text(h("option", { value: "" }), "admin.accounts.anyInstitution"),
      institutions.map((i) => h("option", { value: i.id }, i.name)),
    );
    this.#institutionFilter.value = this.#institutions.has(chosen) ? chosen : "";
    if (this.#rows) this.#render();
  }

  /** Asks the server again for the accounts of the chosen institution (or all). */
  async reload() {
    const { session, i18n } = this.#ctx;
    const institutionId = this.#institutionFilter.value;
    const query = institutionId ? `?institution_id=${encodeURIComponent(institutionId)}` : "";
    const ticket = ++this.#loading;
    this.element.setAttribute("aria-busy", "true");
    try {
      const { accounts } = await session.request("GET", `/api/accounts${query}`);
      // A filter changed meanwhile: the later answer is the one to show.
      if (this.#closed || ticket !== this.#loading) return;
      clearRefusal(this.#status);
      this.#accounts = accounts;
      this.#render();
    } catch (error) {
      if (!this.#closed && ticket === this.#loading) showRefusal(i18n, this.#status, error);
    } finally {
      if (ticket === this.#loading) this.element.removeAttribute("aria-busy");
    }
  }

  #render() {
    if (this.#closed) return;
    const { i18n } = this.#ctx;
    const role = this.#roleFilter.value;
    const shown = this.#accounts.filter((a) => !role || a.role === role);
    i18n.text(this.#count, "admin.accounts.count", { count: shown.length });
    if (shown.length === 0) {
      replaceChildren(this.#rows, h("tr", {}, i18n.text(h("td", { class: "admin-muted", colSpan: COLUMNS.length }), "admin.accounts.empty")));
      return;
    }
    replaceChildren(
      this.#rows,
      shown.map((account) => this.#row(account)),
    );
  }

  #row(account) {
    const { i18n } = this.#ctx;
    const state = accountState(account);
    const institution = this.#institutions.get(account.institution_id);
    return h(
      "tr",
      { "data-testid": "account-row", "data-account-id": account.id, "data-login": account.login, "data-role": account.role, "data-state": state },
      h("td", { class: "admin-login" }, account.login),
      h("td", {}, account.real_name),
      i18n.text(h("td", {}), `accountRole.${account.role}`),
      h("td", {}, account.title || "—"),
      h("td", {}, account.specialty || "—"),
      institution ? h("td", {}, institution.name) : i18n.text(h("td", { class: "admin-muted" }), "admin.accounts.unknownInstitution"),
      h("td", {}, this.#stateChip(account, state)),
      h("td", { class: "admin-actions" }, this.#actions(account, state)),
    );
  }

  #stateChip(account, state) {
    const { i18n } = this.#ctx;
    const chip = h("span", { class: `admin-state admin-state--${state}`, "data-testid": "account-state" });
    if (state === "locked") return i18n.text(chip, "admin.state.locked", { time: i18n.dateTime(account.locked_until_ms) });
    if (state === "disabled") return i18n.text(chip, "admin.state.disabled", { time: i18n.dateTime(account.disabled_at_ms) });
    return i18n.text(chip, "admin.state.active");
  }

  #actions(account, state) {
    const { i18n, session } = this.#ctx;
    const busy = this.#busy.has(account.id);
    if (account.id === session.account?.id) {
      return i18n.text(h("span", { class: "admin-muted", "data-testid": "account-self" }), "admin.accounts.self");
    }
    if (state === "disabled") {
      return i18n.text(
        h("button", { class: "btn btn--secondary btn--small", type: "button", disabled: busy, "data-testid": "account-enable", onclick: () => this.#change(account, "enable") }),
        "admin.accounts.enable",
      );
    }
    if (this.#confirming === account.id) {
      return h(
        "div",
        { class: "admin-confirm", role: "group", "data-testid": "account-confirm" },
        i18n.text(h("p", { class: "admin-confirm__text" }), "admin.accounts.confirmDisable", { name: account.real_name, login: account.login }),
        h(
          "div",
          { class: "admin-confirm__buttons" },
          i18n.text(
            h("button", { class: "btn btn--danger btn--small", type: "button", disabled: busy, "data-testid": "account-confirm-disable", onclick: () => this.#change(account, "disable") }),
            "admin.accounts.confirm",
          ),
          i18n.text(
            h("button", { class: "btn btn--ghost btn--small", type: "button", disabled: busy, "data-testid": "account-cancel-disable", onclick: () => this.#confirm(null) }),
            "admin.accounts.cancel",
          ),
        ),
      );
    }
    return i18n.text(
      h("button", { class: "btn btn--ghost btn--small admin-disable", type: "button", "data-testid": "account-disable", onclick: () => this.#confirm(account.id) }),
      "admin.accounts.disable",
    );
  }

  #confirm(accountId) {
    this.#confirming = accountId;
    this.#render();
    // The safe answer has the focus: a second Enter does not disable the account.
    if (accountId) this.#rows.querySelector('[data-testid="account-cancel-disable"]')?.focus();
  }

  /** `change` is `disable` or `enable`; the row shows the account as the server returns it. */
  async #change(account, change) {
    const { i18n, session } = this.#ctx;
    clearRefusal(this.#status);
    this.#done.hidden = true;
    this.#busy.add(account.id);
    this.#render();
    try {
      const changed = await session.request("POST", `/api/accounts/${encodeURIComponent(account.id)}/${change}`);
      if (this.#closed) return;
      this.#accounts = this.#accounts.map((a) => (a.id === changed.id ? changed : a));
      if (this.#confirming === account.id) this.#confirming = null;
      i18n.text(this.#done, `admin.accounts.${change}d`, { name: changed.real_name, login: changed.login });
      this.#done.hidden = false;
    } catch (error) {
      if (!this.#closed) showRefusal(i18n, this.#status, error);
    } finally {
      this.#busy.delete(account.id);
      this.#render();
    }
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
  }
}
