/** The control bar: microphone, camera, screen share, CT images, participants, chat, leave. */

import { ctIcon } from "./ct_icons.js";
import { h, replaceChildren } from "./dom.js";
import { icon } from "./icons.js";

export class Controls {
  #i18n;

  constructor(i18n, { onMute, onCamera, onShare, onParticipants, onChat, onLeave, onCt = null }) {
    this.#i18n = i18n;
    this.mute = this.#button("mute-button", onMute);
    this.camera = this.#button("camera-button", onCamera);
    this.share = this.#button("share-button", onShare);
    this.participants = this.#button("participants-button", onParticipants);
    this.chat = this.#button("chat-button", onChat);
    this.chatBadge = h("span", { class: "badge control__badge", hidden: true });
    this.chat.append(this.chatBadge);
    this.leave = this.#button("leave-button", onLeave, "control--leave");
    this.ct = this.#button("ct-button", onCt);
    this.ct.iconSlot.append(ctIcon("scan"));
    this.ct.iconName = "scan";
    this.ct.hidden = !onCt;
    this.el = h(
      "nav",
      { class: "controls" },
      h("div", { class: "controls__group controls__group--main" }, this.mute, this.camera, this.share, this.leave),
      h("div", { class: "controls__group controls__group--panels" }, this.ct, this.participants, this.chat),
    );
  }

  /** Shows the current state of every button. */
  update({ audioMuted, videoMuted, sharing, hasMicrophone, hasCamera, mayPublish, canShare, panelTab, unread, ctOpen = false }) {
    this.#set(this.ct, { iconName: "scan", key: "control.ct", pressed: ctOpen, active: ctOpen });
    this.#set(this.mute, {
      iconName: audioMuted || !hasMicrophone ? "mic-off" : "mic",
      key: !mayPublish ? "control.observer" : !hasMicrophone ? "control.noMic" : audioMuted ? "control.unmute" : "control.mute",
      pressed: audioMuted || !hasMicrophone,
      disabled: !mayPublish || !hasMicrophone,
      alert: audioMuted && hasMicrophone,
    });
    this.#set(this.camera, {
      iconName: videoMuted || !hasCamera ? "camera-off" : "camera",
      key: !mayPublish ? "control.observer" : !hasCamera ? "control.noCamera" : videoMuted ? "control.cameraOn" : "control.cameraOff",
      pressed: videoMuted || !hasCamera,
      disabled: !mayPublish || !hasCamera,
      alert: videoMuted && hasCamera,
    });
    this.#set(this.share, {
      iconName: sharing ? "screen-stop" : "screen",
      key: sharing ? "control.stopShare" : "control.share",
      pressed: sharing,
      disabled: !mayPublish || !canShare,
      active: sharing,
    });
    this.#set(this.participants, { iconName: "users", key: "control.participants", pressed: panelTab === "participants", active: panelTab === "participants" });
    this.#set(this.chat, { iconName: "chat", key: "control.chat", pressed: panelTab === "chat", active: panelTab === "chat" });
    this.chatBadge.textContent = unread > 9 ? "9+" : String(unread);
    this.chatBadge.hidden = unread === 0;
    this.#set(this.leave, { iconName: "leave", key: "control.leave" });
  }

  #button(testid, onClick, extraClass = "") {
    const button = h("button", { class: `control ${extraClass}`, type: "button", "data-testid": testid, onclick: onClick });
    button.iconSlot = h("span", { class: "control__icon" });
    button.label = h("span", { class: "control__label" });
    button.append(button.iconSlot, button.label);
    return button;
  }

  #set(button, { iconName, key, pressed = null, disabled = false, alert = false, active = false }) {
    if (button.iconName !== iconName) {
      replaceChildren(button.iconSlot, icon(iconName));
      button.iconName = iconName;
    }
    this.#i18n.text(button.label, key);
    this.#i18n.attr(button, "title", key);
    if (pressed !== null) button.setAttribute("aria-pressed", String(pressed));
    button.disabled = disabled;
    button.dataset.alert = String(alert);
    button.dataset.active = String(active);
  }
}
