/**
 * `/admin`: the administrator's directory. The institutions (and registering one), the
 * accounts (filtered by institution and role, disabled and enabled again) and the form
 * that opens a new account. The page owns the list of institutions its three parts
 * share, and hands each part a fresh copy when one is registered.
 *
 * Only the server decides who may manage the directory: the page asks for the accounts
 * first, and when the server refuses (any role but the administrator's) it shows that
 * refusal and nothing else, not even the institutions everyone may list.
 */

import { AccountForm } from "./account_form.js";
import { AccountTable } from "./account_table.js";
import { h, replaceChildren } from "./dom.js";
import { InstitutionList } from "./institution_list.js";
import { refusalNote } from "./refusal.js";

export function mountAdmin(root, ctx) {
  const page = new AdminPage(root, ctx);
  page.load();
  return { close: () => page.close() };
}

class AdminPage {
  #ctx;
  #body;
  #parts = [];
  #closed = false;

  constructor(root, ctx) {
    this.#ctx = ctx;
    const { i18n } = ctx;
    this.#body = h("div", { class: "admin-page__body", "aria-live": "polite" }, i18n.text(h("p", { class: "admin-muted" }), "admin.loading"));
    replaceChildren(
      root,
      h(
        "section",
        { class: "admin-page", "data-testid": "admin-page" },
        h(
          "header",
          { class: "admin-page__head" },
          i18n.text(h("h1", { class: "admin-page__title" }), "admin.title"),
          i18n.text(h("p", { class: "admin-page__lead" }), "admin.lead"),
        ),
        this.#body,
      ),
    );
  }

  async load() {
    const { session, i18n } = this.#ctx;
    let accounts;
    let institutions;
    try {
      // The accounts first: their refusal is the page's answer to a role without the right.
      ({ accounts } = await session.request("GET", "/api/accounts"));
      ({ institutions } = await session.request("GET", "/api/institutions"));
    } catch (error) {
      if (!this.#closed) replaceChildren(this.#body, refusalNote(i18n, error, "admin-error"));
      return;
    }
    if (this.#closed) return;
    const table = new AccountTable(this.#ctx, { institutions, accounts });
    const form = new AccountForm(this.#ctx, { institutions, onCreated: () => table.reload() });
    const list = new InstitutionList(this.#ctx, {
      institutions,
      onAdded: (all) => {
        for (const part of [table, form]) part.setInstitutions(all);
      },
    });
    this.#parts = [list, form, table];
    replaceChildren(this.#body, h("div", { class: "admin-page__top" }, list.element, form.element), table.element);
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const part of this.#parts) part.close();
    this.#parts = [];
  }
}
