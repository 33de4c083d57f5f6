/**
 * The logged-in frame around every desk page: the header (navigation for the role,
 * notifications, who is logged in, language, log out) and the area a page mounts in.
 */

import { h, replaceChildren, setFlag } from "./dom.js";
import { brand, languageToggle } from "./header.js";
import { NotificationMenu } from "./notification_menu.js";

/** The header's links; a role sees those whose `when` holds, and starts on the first. */
export const NAVIGATION = [
  { path: "/inbox", key: "desk.nav.inbox", when: (s) => s.allowed("accept-referral") },
  { path: "/cases", key: "desk.nav.cases", when: (s) => s.allowed("create-referral") || s.allowed("write-opinion") },
  { path: "/schedule", key: "desk.nav.schedule", when: (s) => s.allowed("list-referrals") },
  { path: "/audit", key: "desk.nav.audit", when: (s) => s.allowed("search-audit") },
  { path: "/admin", key: "desk.nav.admin", when: (s) => s.allowed("manage-directory") },
];

export class DeskShell {
  #i18n;
  #session;
  #links;
  #live;
  #liveDot;
  #unsubscribeLive;
  #menu;
  /** Where pages mount. */
  main;

  constructor(root, { i18n, session, navigate, live, onLogOut }) {
    this.#i18n = i18n;
    this.#session = session;
    this.#live = live;
    this.#menu = new NotificationMenu({ i18n, session, navigate, live });
    const account = session.account;
    this.#links = NAVIGATION.filter((item) => item.when(session)).map((item) =>
      i18n.text(h("a", { class: "desk-nav__link", href: `#${item.path}`, "data-testid": `nav-${item.path.slice(1)}`, "data-path": item.path }), item.key),
    );
    this.#liveDot = h("span", { class: "live-dot", "data-testid": "live-state" });
    this.#unsubscribeLive = live.on("state", (connected) => this.#showLive(connected));
    this.#showLive(live.connected);
    const logout = i18n.text(h("button", { class: "btn btn--ghost", type: "button", "data-testid": "logout", onclick: onLogOut }), "desk.logout");
    const who = h(
      "div",
      { class: "desk-who", "data-testid": "who" },
      h("strong", { class: "desk-who__name" }, account.real_name),
      h("span", { class: "desk-who__detail" }, i18n.text(h("span"), `accountRole.${account.role}`), " · ", session.institution?.name ?? ""),
    );
    const nav = h("nav", { class: "desk-nav" }, this.#links);
    i18n.attr(nav, "aria-label", "desk.nav.label");
    this.main = h("main", { class: "desk-main", "data-testid": "desk-main" });
    replaceChildren(
      root,
      h(
        "div",
        { class: "desk", "data-testid": "desk", "data-role": account.role },
        h("header", { class: "desk-header" }, brand(i18n), nav, h("div", { class: "desk-header__end" }, this.#liveDot, this.#menu.element, who, languageToggle(i18n), logout)),
        this.main,
        this.#menu.toasts,
      ),
    );
    this.#menu.refresh();
  }

  /** The first page of the role, or null for a role without desk pages. */
  static home(session) {
    return NAVIGATION.find((item) => item.when(session))?.path ?? null;
  }

  /** Marks the link of the page at `path` as current. */
  select(path) {
    for (const link of this.#links) {
      const current = path === link.dataset.path || path.startsWith(`${link.dataset.path}/`);
      if (current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }

  close() {
    this.#unsubscribeLive();
    this.#menu.close();
  }

  #showLive(connected) {
    setFlag(this.#liveDot, "connected", connected);
    this.#i18n.attr(this.#liveDot, "title", connected ? "desk.live.on" : "desk.live.off");
  }
}
