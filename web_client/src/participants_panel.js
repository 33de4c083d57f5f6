/** The list of people present: name, role, institution, microphone and camera state. */

import { avatar } from "./avatar.js";
import { h, replaceChildren } from "./dom.js";
import { icon } from "./icons.js";

const ROLE_ORDER = ["coordinator", "inviting", "expert", "observer"];

export class ParticipantsPanel {
  #i18n;
  #roster;

  constructor(i18n, roster) {
    this.#i18n = i18n;
    this.#roster = roster;
    this.list = h("ul", { class: "people", "data-testid": "participant-list" });
    this.el = h("section", { class: "people-panel" }, this.list);
    i18n.on("change", () => this.render());
  }

  /** @param self this client's ParticipantInfo with its current mute state */
  render(self = this.#roster.self) {
    const people = [...this.#roster.participants.values()].map((p) => (p.participant_id === self?.participant_id ? self : p));
    people.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.joined_at_ms - b.joined_at_ms);
    replaceChildren(this.list, people.map((p) => this.#row(p, p.participant_id === self?.participant_id)));
  }

  #row(person, isSelf) {
    const i18n = this.#i18n;
    const speaking = person.participant_id === this.#roster.speakerId;
    const state = (name, on, key) => {
      const element = h("span", { class: `people__state${on ? " people__state--off" : ""}` }, icon(on ? `${name}-off` : name));
      return on ? i18n.attr(element, "title", key) : element;
    };
    return h(
      "li",
      { class: `people__row${speaking ? " people__row--speaking" : ""}`, "data-participant-id": person.participant_id },
      avatar(person, "sm"),
      h(
        "div",
        { class: "people__who" },
        h("span", { class: "people__name" }, person.display_name, isSelf ? i18n.text(h("span", { class: "people__you" }), "participants.you") : null),
        h(
          "span",
          { class: "people__meta" },
          h("span", { class: `role-chip role-chip--${person.role}` }, i18n.role(person.role)),
          person.institution ? h("span", { class: "people__institution" }, person.institution) : null,
        ),
      ),
      person.role === "observer"
        ? null
        : h("span", { class: "people__states" }, state("mic", person.audio_muted, "participants.muted"), state("camera", person.video_muted, "participants.cameraOff")),
    );
  }
}
