/**
 * The desk: the logged-in application at `/` (referrals, inbox, schedule, case view,
 * opinion, audit). It creates the session, the live notifications and the shell, and
 * mounts the page of the address's fragment (`/#/cases/abc`).
 */

import { ApiError } from "./api.js";
import { DeskShell } from "./desk_shell.js";
import { h, replaceChildren } from "./dom.js";
import { I18n } from "./i18n.js";
import { LiveNotifications } from "./live.js";
import { mountLogin } from "./login_page.js";
import { currentPath, match } from "./router.js";
import { ROUTES } from "./routes.js";
import { Session } from "./session.js";
import { STRING_SETS } from "./string_sets.js";

class Desk {
  #root;
  #i18n;
  #session;
  #live = null;
  #shell = null;
  #page = null;
  #titleKey = "desk.title";

  constructor(root) {
    this.#root = root;
    this.#i18n = new I18n(window.localStorage, STRING_SETS);
    this.#session = new Session(window.location.origin, window.sessionStorage);
    document.title = this.#i18n.t("desk.title");
    this.#i18n.on("change", () => this.#title());
    this.#session.on("ended", (error) => this.#showLogin(error?.code === "account-disabled" ? "disabled" : "expired"));
    window.addEventListener("hashchange", () => this.#route());
    // What the browser tests drive the desk through, as `window.mdt` in the call.
    window.mdtDesk = { session: this.#session, i18n: this.#i18n, live: () => this.#live };
  }

  async start() {
    if (await this.#session.restore()) this.#enter();
    else this.#showLogin();
  }

  #showLogin(notice = null) {
    this.#leave();
    mountLogin(this.#root, { i18n: this.#i18n, session: this.#session, notice, onLoggedIn: () => this.#enter() });
  }

  #enter() {
    this.#live = new LiveNotifications(window.location.origin, this.#session);
    this.#shell = new DeskShell(this.#root, {
      i18n: this.#i18n,
      session: this.#session,
      navigate: (path) => this.#navigate(path),
      live: this.#live,
      onLogOut: async () => {
        await this.#session.logOut();
        this.#showLogin("loggedOut");
      },
    });
    this.#route();
  }

  #leave() {
    this.#page?.close();
    this.#page = null;
    this.#shell?.close();
    this.#shell = null;
    this.#live?.close();
    this.#live = null;
  }

  #navigate(path) {
    if (currentPath(window.location) === path) this.#route();
    else window.location.hash = path;
  }

  #route() {
    if (!this.#shell) return;
    const path = currentPath(window.location);
    // Every role has a first page; one without would see "not found" rather than a blank.
    const home = DeskShell.home(this.#session);
    if (path === "/" && home) return this.#navigate(home);
    const found = match(ROUTES, path);
    this.#shell.select(path);
    if (!found) return this.#mount((root) => notFound(root, this.#i18n, () => this.#navigate("/")), "desk.notFound.title");
    const ctx = { i18n: this.#i18n, session: this.#session, navigate: (to) => this.#navigate(to), live: this.#live };
    this.#mount((root) => found.route.mount(root, ctx, found.params), found.route.title);
  }

  #mount(render, titleKey) {
    this.#page?.close();
    const root = h("div", { class: "desk-page" });
    replaceChildren(this.#shell.main, root);
    this.#titleKey = titleKey;
    this.#title();
    try {
      this.#page = render(root) ?? null;
    } catch (error) {
      console.error("[Desk] page failed", error);
      message(root, this.#i18n, "desk.loadError", { message: String(error?.message ?? error) });
      this.#page = null;
    }
  }

  #title() {
    const page = this.#titleKey === "desk.title" ? "" : `${this.#i18n.t(this.#titleKey)} · `;
    document.title = `${page}${this.#i18n.t("desk.title")}`;
  }
}

function message(root, i18n, key, params = {}) {
  replaceChildren(root, i18n.text(h("p", { class: "desk-message", "data-testid": "desk-message" }), key, params));
  return null;
}

function notFound(root, i18n, goHome) {
  replaceChildren(
    root,
    h(
      "section",
      { class: "desk-empty", "data-testid": "not-found" },
      i18n.text(h("h1"), "desk.notFound.title"),
      i18n.text(h("p"), "desk.notFound.body"),
      i18n.text(h("button", { class: "btn btn--primary", type: "button", onclick: goHome }), "desk.notFound.home"),
    ),
  );
  return null;
}

const desk = new Desk(document.getElementById("app"));
desk.start().catch((error) => {
  console.error("[Desk] failed", error);
  const text = error instanceof ApiError && error.code === "network-error" ? "login.error.network-error" : "desk.loadError";
  const i18n = new I18n(window.localStorage, STRING_SETS);
  message(document.getElementById("app"), i18n, text, { message: String(error?.message ?? error) });
});
