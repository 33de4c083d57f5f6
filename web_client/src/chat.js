/**
 * The chat: the consultation's messages with author, role and time, and a box to
 * write in (Enter sends, Shift+Enter starts a new line). Late joiners get the
 * history from the join reply.
 */

import { avatar } from "./avatar.js";
import { h, replaceChildren } from "./dom.js";
import { icon } from "./icons.js";

export class ChatPanel {
  #i18n;
  #roster;
  #send;
  #sending = false;

  /** @param send async (text) → the stored message; throws on refusal */
  constructor(i18n, roster, send) {
    this.#i18n = i18n;
    this.#roster = roster;
    this.#send = send;
    this.list = h("ol", { class: "chat__list", "aria-live": "polite" });
    this.empty = h("div", { class: "chat__empty" }, h("span", { class: "chat__empty-icon" }, icon("chat")), i18n.text(h("p"), "chat.empty"));
    this.error = h("p", { class: "chat__error", role: "alert", hidden: true });
    this.input = h("textarea", {
      class: "chat__input",
      rows: 1,
      maxLength: 4000,
      "data-testid": "chat-input",
      onkeydown: (event) => this.#onKey(event),
      oninput: () => this.#autosize(),
    });
    i18n.attr(this.input, "placeholder", "chat.placeholder");
    i18n.attr(this.input, "aria-label", "chat.placeholder");
    this.sendButton = h("button", { class: "chat__send", type: "submit", "data-testid": "chat-send" }, icon("send"));
    i18n.attr(this.sendButton, "aria-label", "chat.send");
    i18n.attr(this.sendButton, "title", "chat.send");
    this.el = h(
      "section",
      { class: "chat" },
      h("div", { class: "chat__scroll" }, this.empty, this.list),
      h(
        "form",
        { class: "chat__form", onsubmit: (event) => (event.preventDefault(), this.#submit()) },
        this.error,
        h("div", { class: "chat__compose" }, this.input, this.sendButton),
      ),
    );
    i18n.on("change", () => this.render());
    this.render();
  }

  /** Renders the whole history (after a join or a language change). */
  render() {
    replaceChildren(this.list, this.#roster.chat.map((m) => this.#item(m)));
    this.#afterChange();
  }

  /** Appends one new message. */
  add(message) {
    this.list.append(this.#item(message));
    this.#afterChange();
  }

  focus() {
    this.input.focus();
  }

  #item(message) {
    const own = message.participant_id === this.#roster.selfId;
    const i18n = this.#i18n;
    return h(
      "li",
      { class: `chat__message${own ? " chat__message--own" : ""}`, "data-testid": "chat-message", "data-message-id": message.message_id },
      avatar(message, "sm"),
      h(
        "div",
        { class: "chat__bubble" },
        h(
          "div",
          { class: "chat__meta" },
          h("span", { class: "chat__author" }, own ? i18n.t("chat.you") : message.display_name),
          h("span", { class: "chat__role" }, i18n.role(message.role)),
          h("time", { class: "chat__time", dateTime: new Date(message.sent_at_ms).toISOString() }, i18n.time(message.sent_at_ms)),
        ),
        h("p", { class: "chat__text" }, message.text),
      ),
    );
  }

  #afterChange() {
    this.empty.hidden = this.#roster.chat.length > 0;
    const scroller = this.list.parentElement;
    scroller.scrollTop = scroller.scrollHeight;
  }

  #onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      // isComposing: Enter that confirms a pinyin candidate must not send.
      event.preventDefault();
      this.#submit();
    }
  }

  #autosize() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 140)}px`;
  }

  async #submit() {
    const text = this.input.value.trim();
    if (!text || this.#sending) return;
    this.#sending = true;
    this.sendButton.disabled = true;
    this.error.hidden = true;
    try {
      await this.#send(text);
      this.input.value = "";
      this.#autosize();
    } catch (error) {
      this.#i18n.text(this.error, "chat.failed", { reason: error.message });
      this.error.hidden = false;
    } finally {
      this.#sending = false;
      this.sendButton.disabled = false;
      this.input.focus();
    }
  }
}
