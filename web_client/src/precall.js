/**
 * The pre-call check: who you are and which consultation, a camera preview, a
 * microphone level meter, camera and microphone pickers, a network check against
 * the server, and the Join button. A missing or refused camera offers an audio-only
 * join; a missing microphone allows joining to listen only, with a warning.
 */

import { avatar } from "./avatar.js";
import { h, replaceChildren } from "./dom.js";
import { pageHeader } from "./header.js";
import { icon } from "./icons.js";
import { LevelMeter } from "./level_meter.js";
import { LocalMedia } from "./local_media.js";
import { checkNetwork } from "./network_check.js";

const ISSUE_KEYS = {
  camera: { missing: "precall.cameraMissing", denied: "precall.cameraDenied", busy: "precall.cameraBusy", failed: "precall.cameraMissing" },
  microphone: { missing: "precall.micMissing", denied: "precall.micDenied", busy: "precall.micBusy", failed: "precall.micMissing" },
};

export class PrecallView {
  #i18n;
  #me;
  #media;
  #api;
  #meter;
  #resolve = null;
  #busy = false;
  #offs = [];

  constructor(root, i18n, { me, media, api }) {
    this.#i18n = i18n;
    this.#me = me;
    this.#media = media;
    this.#api = api;
    this.observer = me.role === "observer";

    this.video = h("video", { class: "preview__video", autoplay: true, playsInline: true, muted: true });
    this.video.muted = true;
    this.previewStatus = h("p", { class: "preview__status" });
    this.preview = h(
      "div",
      { class: "preview", "data-video": "off" },
      this.video,
      h("div", { class: "preview__placeholder" }, avatar(me, "xl"), this.previewStatus),
      h("span", { class: "preview__name" }, me.display_name),
    );
    this.meterFill = h("span", { class: "meter__fill" });
    this.meter = h(
      "div",
      { class: "meter", "data-state": "off" },
      h("span", { class: "meter__icon" }, icon("mic")),
      h("span", { class: "meter__track", role: "meter", "aria-valuemin": "0", "aria-valuemax": "1" }, this.meterFill),
      i18n.text(h("span", { class: "meter__hint" }), "precall.speakHint"),
    );
    i18n.attr(this.meter.querySelector(".meter__track"), "aria-label", "precall.micLevel");
    this.cameraSelect = h("select", { class: "select", "data-testid": "camera-select", onchange: () => this.#switch("camera") });
    this.micSelect = h("select", { class: "select", "data-testid": "microphone-select", onchange: () => this.#switch("microphone") });
    this.checks = {
      camera: this.#check("camera", "precall.camera"),
      microphone: this.#check("mic", "precall.microphone"),
      network: this.#check("wifi", "precall.network"),
    };
    this.recheck = h("button", { class: "link-button", type: "button", onclick: () => this.#checkNetwork() });
    i18n.text(this.recheck, "precall.recheck");
    this.checks.network.el.append(this.recheck);
    this.joinButton = h("button", { class: "btn btn--primary btn--block btn--large", type: "button", "data-testid": "join-button", disabled: true, onclick: () => this.#join() });

    const mediaColumn = this.observer
      ? h("section", { class: "precall__media card" }, this.preview, i18n.text(h("p", { class: "notice notice--info" }), "precall.observerNote"))
      : h(
          "section",
          { class: "precall__media card" },
          this.preview,
          this.meter,
          h(
            "div",
            { class: "devices" },
            h("label", { class: "field" }, i18n.text(h("span", { class: "field__label" }), "precall.camera"), this.cameraSelect),
            h("label", { class: "field" }, i18n.text(h("span", { class: "field__label" }), "precall.microphone"), this.micSelect),
          ),
        );
    const expires = me.expires_at_s ? h("p", { class: "identity__expires" }) : null;
    const renderExpiry = () => expires && i18n.text(expires, "precall.expires", { time: i18n.dateTime(me.expires_at_s * 1000) });
    renderExpiry();
    const card = h(
      "section",
      { class: "precall__side card" },
      i18n.text(h("p", { class: "eyebrow" }), "precall.heading"),
      h("h1", { class: "precall__title" }, me.consultation_id),
      i18n.text(h("p", { class: "precall__lead" }), "precall.subheading"),
      h(
        "div",
        { class: "identity" },
        avatar(me, "md"),
        h(
          "div",
          { class: "identity__who" },
          h("span", { class: "identity__name" }, me.display_name),
          h(
            "span",
            { class: "identity__meta" },
            i18n.text(h("span", { class: `role-chip role-chip--${me.role}` }), `role.${me.role}`),
            me.institution ? h("span", { class: "identity__institution" }, icon("hospital"), me.institution) : null,
          ),
          expires,
        ),
      ),
      h("ul", { class: "checks" }, this.observer ? null : [this.checks.camera.el, this.checks.microphone.el], this.checks.network.el),
      i18n.text(h("p", { class: "notice notice--privacy" }), "precall.privacy"),
      this.joinButton,
    );
    replaceChildren(root, h("div", { class: "precall-screen" }, pageHeader(i18n), h("main", { class: "precall" }, mediaColumn, card)));
    this.#meter = new LevelMeter((level) => {
      // The fill keeps its colours where they are on the scale (green … red) and shows up to the level.
      this.meterFill.style.clipPath = `inset(0 ${(100 - level * 100).toFixed(1)}% 0 0)`;
    });
    this.#offs.push(
      i18n.on("change", () => {
        renderExpiry();
        this.#renderDevices();
      }),
    );
  }

  /** Runs the checks; resolves when the user clicks Join (the media stays open for the call). */
  async run() {
    const joined = new Promise((resolve) => (this.#resolve = resolve));
    this.#checkNetwork();
    if (this.observer) {
      this.#setPreview(null); // The note below says why there is no camera.
    } else {
      this.#setPreview("precall.cameraStarting");
      await this.#media.open();
      await this.#renderDevices();
    }
    this.#updateJoin();
    this.joinButton.disabled = false;
    return joined;
  }

  /** Stops the preview (the tracks themselves stay open). */
  close() {
    for (const off of this.#offs) off();
    this.#meter.close();
    this.video.srcObject = null;
  }

  #check(iconName, labelKey) {
    const detail = h("span", { class: "check__detail" });
    const el = h(
      "li",
      { class: "check", "data-state": "pending" },
      h("span", { class: "check__icon" }, icon(iconName)),
      h("span", { class: "check__body" }, this.#i18n.text(h("span", { class: "check__label" }), labelKey), detail),
    );
    return { el, detail };
  }

  #setCheck(name, state, key, params = {}) {
    const check = this.checks[name];
    check.el.dataset.state = state;
    this.#i18n.text(check.detail, key, params);
  }

  #setPreview(statusKey) {
    const track = this.#media.videoTrack;
    this.video.srcObject = track ? new MediaStream([track]) : null;
    this.preview.dataset.video = track ? "on" : "off";
    if (statusKey) this.#i18n.text(this.previewStatus, statusKey);
    else {
      this.previewStatus.textContent = "";
      delete this.previewStatus.dataset.i18n;
    }
  }

  async #renderDevices() {
    if (this.observer) return;
    const media = this.#media;
    const { cameras, microphones } = await media.devices();
    this.#fillSelect(this.cameraSelect, cameras, LocalMedia.deviceOf(media.videoTrack));
    this.#fillSelect(this.micSelect, microphones, LocalMedia.deviceOf(media.audioTrack));
    const cameraIssue = media.cameraIssue;
    const micIssue = media.microphoneIssue;
    this.#setPreview(cameraIssue ? ISSUE_KEYS.camera[cameraIssue] : null);
    if (cameraIssue) this.#setCheck("camera", "warn", ISSUE_KEYS.camera[cameraIssue]);
    else this.#setCheck("camera", "ok", "precall.cameraOk");
    if (micIssue) this.#setCheck("microphone", "warn", ISSUE_KEYS.microphone[micIssue]);
    else this.#setCheck("microphone", "ok", "precall.micOk");
    this.meter.dataset.state = media.audioTrack ? "on" : "off";
    this.#meter.attach(media.audioTrack);
    this.#updateJoin();
  }

  #fillSelect(select, devices, currentId) {
    if (devices.length === 0) {
      replaceChildren(select, this.#i18n.text(h("option", { value: "" }), "precall.noDevice"));
      select.disabled = true;
      return;
    }
    replaceChildren(
      select,
      devices.map((device, index) =>
        h("option", { value: device.deviceId, selected: device.deviceId === currentId }, device.label || this.#i18n.t("precall.device", { n: index + 1 })),
      ),
    );
    select.disabled = false;
  }

  async #switch(kind) {
    if (this.#busy) return;
    this.#busy = true;
    this.joinButton.disabled = true;
    try {
      if (kind === "camera") {
        this.#setPreview("precall.cameraStarting");
        await this.#media.useCamera(this.cameraSelect.value);
      } else {
        await this.#media.useMicrophone(this.micSelect.value);
      }
      await this.#renderDevices();
    } finally {
      this.#busy = false;
      this.joinButton.disabled = false;
    }
  }

  async #checkNetwork() {
    this.checks.network.el.querySelector(".check__number")?.remove();
    this.#setCheck("network", "pending", "precall.networkChecking");
    this.recheck.hidden = true;
    const { grade, rttMs } = await checkNetwork(this.#api);
    const state = { good: "ok", fair: "warn", poor: "warn", offline: "error" }[grade];
    this.#setCheck("network", state, `precall.network.${grade}`);
    if (rttMs !== null) {
      this.checks.network.detail.after(
        this.#i18n.text(h("span", { class: "check__number" }), "precall.networkDetail", { rtt: Math.round(rttMs) }),
      );
    }
    this.checks.network.el.dataset.grade = grade;
    this.recheck.hidden = false;
  }

  #updateJoin() {
    const media = this.#media;
    let key = "precall.join";
    if (this.observer) key = "precall.joinObserver";
    else if (!media.audioTrack && !media.videoTrack) key = "precall.joinListenOnly";
    else if (!media.videoTrack) key = "precall.joinAudioOnly";
    this.#i18n.text(this.joinButton, key);
    this.joinButton.dataset.mode = key.replace("precall.", "");
  }

  #join() {
    if (!this.#resolve || this.#busy) return;
    this.joinButton.disabled = true;
    this.#i18n.text(this.joinButton, "precall.joining");
    const resolve = this.#resolve;
    this.#resolve = null;
    resolve();
  }
}
