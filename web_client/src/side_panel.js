/**
 * The side panel with two tabs, participants and chat. Beside the video on a wide
 * screen; on a narrow one (a phone) a drawer over the video, opened from the controls.
 */

import { h } from "./dom.js";
import { icon } from "./icons.js";

export const NARROW_QUERY = "(max-width: 900px)";

export class SidePanel {
  #i18n;
  #narrow;
  #onChange;
  tab = "chat";
  open;

  constructor(i18n, { participants, chat, onChange }) {
    this.#i18n = i18n;
    this.#onChange = onChange;
    this.#narrow = window.matchMedia(NARROW_QUERY);
    this.open = !this.#narrow.matches;
    this.count = h("span", { class: "side__count" }, "0");
    this.unread = h("span", { class: "badge", hidden: true }, "0");
    this.tabs = {
      participants: this.#tabButton("participants", "panel.participants", this.count),
      chat: this.#tabButton("chat", "panel.chat", this.unread),
    };
    const close = h("button", { class: "icon-button side__close", type: "button", onclick: () => this.hide() }, icon("close"));
    i18n.attr(close, "aria-label", "panel.close");
    i18n.attr(close, "title", "panel.close");
    this.bodies = { participants: participants.el, chat: chat.el };
    this.backdrop = h("div", { class: "side__backdrop", onclick: () => this.hide() });
    this.el = h(
      "aside",
      { class: "side" },
      h("div", { class: "side__head" }, h("div", { class: "side__tabs", role: "tablist" }, this.tabs.participants, this.tabs.chat), close),
      h("div", { class: "side__body" }, participants.el, chat.el),
    );
    this.#narrow.addEventListener("change", () => {
      this.open = !this.#narrow.matches;
      this.#render();
    });
    this.#render({ notify: false });
  }

  get narrow() {
    return this.#narrow.matches;
  }

  /** Opens on `tab`; the same tab's button again closes the panel. */
  toggle(tab) {
    if (this.open && this.tab === tab) this.hide();
    else this.show(tab);
  }

  show(tab) {
    this.tab = tab;
    this.open = true;
    this.#render();
  }

  hide() {
    this.open = false;
    this.#render();
  }

  /** Whether `tab` can be seen now. */
  visible(tab) {
    return this.open && this.tab === tab;
  }

  setCount(n) {
    this.count.textContent = String(n);
  }

  setUnread(n) {
    this.unread.textContent = n > 9 ? "9+" : String(n);
    this.unread.hidden = n === 0;
  }

  #tabButton(tab, key, extra) {
    const label = this.#i18n.text(h("span"), key);
    return h("button", { class: "side__tab", type: "button", role: "tab", onclick: () => this.show(tab) }, label, extra);
  }

  #render({ notify = true } = {}) {
    this.el.dataset.open = String(this.open);
    this.el.dataset.tab = this.tab;
    this.backdrop.dataset.open = String(this.open && this.narrow);
    for (const [tab, button] of Object.entries(this.tabs)) button.setAttribute("aria-selected", String(tab === this.tab));
    for (const [tab, body] of Object.entries(this.bodies)) body.hidden = tab !== this.tab;
    if (notify) this.#onChange?.();
  }
}
