/**
 * The bell in the desk's header: the unread count, the list (stored notifications,
 * so nothing is missed while offline), a short toast for each live one. Opening the
 * list marks what it shows as read; an entry opens its case.
 */

import { h, replaceChildren } from "./dom.js";
import { icon } from "./icons.js";

const TOAST_MS = 6000;
const KNOWN = ["referral-received", "referral-accepted", "referral-declined", "expert-assigned", "consultation-created", "opinion-returned"];

export class NotificationMenu {
  #i18n;
  #session;
  #navigate;
  #items = [];
  #open = false;
  #badge;
  #list;
  #toasts;
  #unsubscribe;
  #onDocumentClick = (event) => {
    if (this.#open && !this.element.contains(event.target)) this.#setOpen(false);
  };

  constructor({ i18n, session, navigate, live }) {
    this.#i18n = i18n;
    this.#session = session;
    this.#navigate = navigate;
    this.#badge = h("span", { class: "bell__badge", "data-testid": "notification-count", hidden: true });
    const button = h("button", { class: "bell__button", type: "button", "data-testid": "notification-bell", onclick: () => this.#setOpen(!this.#open) }, icon("bell"), this.#badge);
    i18n.attr(button, "aria-label", "notify.open");
    i18n.attr(button, "title", "notify.open");
    this.#list = h("div", { class: "bell__panel", "data-testid": "notification-list", hidden: true });
    this.#toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite", "data-testid": "toasts" });
    this.element = h("div", { class: "bell" }, button, this.#list);
    this.#unsubscribe = live.on("notification", (notification) => {
      this.#toast(notification);
      this.refresh();
    });
    document.addEventListener("click", this.#onDocumentClick);
  }

  /** The toasts' container, placed by the shell outside the header. */
  get toasts() {
    return this.#toasts;
  }

  async refresh() {
    try {
      const { notifications } = await this.#session.request("GET", "/api/notifications");
      this.#items = notifications.sort((a, b) => b.created_at_ms - a.created_at_ms);
    } catch (error) {
      console.warn("[NotificationMenu] could not load notifications", error);
      return;
    }
    this.#render();
  }

  close() {
    this.#unsubscribe();
    document.removeEventListener("click", this.#onDocumentClick);
  }

  #render() {
    const unread = this.#items.filter((n) => n.read_at_ms === null).length;
    this.#badge.hidden = unread === 0;
    this.#badge.textContent = String(unread);
    const entries = this.#items.map((n) =>
      h(
        "button",
        {
          class: `bell__item${n.read_at_ms === null ? " bell__item--unread" : ""}`,
          type: "button",
          "data-testid": "notification-item",
          "data-event": n.event,
          onclick: () => this.#openCase(n),
        },
        this.#i18n.text(h("span", { class: "bell__text" }), textKey(n.event)),
        h("span", { class: "bell__time" }, this.#i18n.dateTime(n.created_at_ms)),
      ),
    );
    replaceChildren(
      this.#list,
      h("div", { class: "bell__head" }, this.#i18n.text(h("strong"), "notify.title")),
      entries.length ? entries : this.#i18n.text(h("p", { class: "bell__empty" }), "notify.empty"),
    );
  }

  async #setOpen(open) {
    this.#open = open;
    this.#list.hidden = !open;
    if (!open) return;
    const unread = this.#items.filter((n) => n.read_at_ms === null).map((n) => n.id);
    if (unread.length === 0) return;
    await this.#session.request("POST", "/api/notifications/read", { json: { ids: unread } }).catch(() => {});
    await this.refresh();
  }

  #openCase(notification) {
    this.#setOpen(false);
    const caseId = notification.payload?.case_id;
    if (caseId) this.#navigate(`/cases/${encodeURIComponent(caseId)}`);
  }

  #toast(notification) {
    const toast = h(
      "button",
      { class: "toast", type: "button", "data-testid": "toast", "data-event": notification.event, onclick: () => this.#openCase(notification) },
      this.#i18n.text(h("span"), textKey(notification.event)),
    );
    this.#toasts.append(toast);
    setTimeout(() => toast.remove(), TOAST_MS);
  }
}

function textKey(event) {
  return KNOWN.includes(event) ? `notify.${event}` : "notify.unknown";
}
