/**
 * Recording in the call's top bar: an indicator everyone sees while the consultation
 * is recorded (with the time since it started), the inviting doctor's record of the
 * patient's consent, and start/stop for the coordinator and the inviting doctor
 * (`Role.may_control_recording` on the server, which checks it again).
 */

import { ctIcon } from "./ct_icons.js";
import { h } from "./dom.js";

const ERROR_MS = 6000;
const CONTROLLERS = new Set(["coordinator", "inviting"]);
/** Refusals with their own explanation (the server's error codes). */
const EXPLAINED = new Set(["recording-consent-missing", "not-permitted", "recording-not-started", "not-recording", "not-connected", "timeout"]);

function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(total / 3600);
  return `${hours ? `${hours}:` : ""}${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

export class RecordingControls {
  #i18n;
  #call;
  #state = null;
  #busy = false;
  #inviting = false;
  #offs = [];
  #tick = 0;
  #errorTimer = 0;

  constructor(i18n, call) {
    this.#i18n = i18n;
    this.#call = call;
    const role = call.me.role;
    this.elapsed = h("span", { class: "rec__elapsed" });
    this.indicatorText = i18n.text(h("span", { class: "rec__label" }), "rec.recording");
    this.indicator = h(
      "span",
      { class: "rec__indicator", "data-testid": "recording-indicator", "data-recording": "false", role: "status", hidden: true },
      h("i", { class: "rec__dot" }),
      this.indicatorText,
      this.elapsed,
    );
    this.#inviting = role === "inviting";
    this.consent = h("button", { class: "rec__button", type: "button", "data-testid": "recording-consent", hidden: !this.#inviting, onclick: () => this.#setConsent() }, ctIcon("shield"), h("span", { class: "rec__button-label" }));
    this.toggle = h("button", { class: "rec__button rec__button--record", type: "button", "data-testid": "recording-toggle", hidden: !CONTROLLERS.has(role), onclick: () => this.#toggle() }, ctIcon("record"), h("span", { class: "rec__button-label" }));
    this.error = h("span", { class: "rec__error", role: "alert", "data-testid": "recording-error", hidden: true });
    this.el = h("div", { class: "rec" }, this.indicator, this.consent, this.toggle, this.error);
    this.#offs.push(
      call.on("recording", (info) => this.#update(info)),
      i18n.on("change", () => this.#render()),
    );
    this.#tick = setInterval(() => this.#renderElapsed(), 1000);
    this.#update(call.recording);
  }

  close() {
    for (const off of this.#offs) off();
    clearInterval(this.#tick);
    clearTimeout(this.#errorTimer);
  }

  #update(info) {
    if (info) this.#state = info;
    this.#render();
  }

  #render() {
    const state = this.#state ?? { recording: false, consent: false };
    const i18n = this.#i18n;
    this.indicator.hidden = !state.recording;
    this.indicator.dataset.recording = String(Boolean(state.recording));
    this.indicator.dataset.recordingId = state.recording_id ?? "";
    this.#renderElapsed();
    const consentKey = state.consent ? "rec.consentGiven" : "rec.recordConsent";
    i18n.text(this.consent.querySelector(".rec__button-label"), consentKey);
    i18n.attr(this.consent, "title", state.consent ? "rec.consentWithdrawHint" : "rec.consentHint");
    this.consent.setAttribute("aria-pressed", String(Boolean(state.consent)));
    this.consent.dataset.consent = String(Boolean(state.consent));
    this.consent.disabled = this.#busy || Boolean(state.recording && state.consent);
    // A referred consultation's consent is in its case file, recorded before the call.
    this.consent.hidden = !this.#inviting || Boolean(state.referred);
    const toggleKey = state.recording ? "rec.stop" : "rec.start";
    i18n.text(this.toggle.querySelector(".rec__button-label"), toggleKey);
    const needs = state.referred ? "rec.startNeedsCaseConsent" : "rec.startNeedsConsent";
    i18n.attr(this.toggle, "title", state.recording ? "rec.stop" : state.consent ? "rec.start" : needs);
    this.toggle.dataset.recording = String(Boolean(state.recording));
    this.toggle.disabled = this.#busy;
  }

  #renderElapsed() {
    const state = this.#state;
    this.elapsed.textContent = state?.recording && state.started_at_ms ? clock(Date.now() - state.started_at_ms) : "";
  }

  async #setConsent() {
    await this.#run("recording-consent", { granted: !this.#state?.consent });
  }

  async #toggle() {
    await this.#run(this.#state?.recording ? "recording-stop" : "recording-start", {});
  }

  async #run(event, payload) {
    if (this.#busy) return;
    this.#busy = true;
    this.#render();
    try {
      const { ok: _ok, ...info } = await this.#call.signaling.request(event, payload);
      this.#state = info;
      this.error.hidden = true;
    } catch (error) {
      this.error.textContent = EXPLAINED.has(error.code) ? this.#i18n.t(`rec.error.${error.code}`) : this.#i18n.t("rec.error.other", { reason: error.message });
      this.error.hidden = false;
      clearTimeout(this.#errorTimer);
      this.#errorTimer = setTimeout(() => (this.error.hidden = true), ERROR_MS);
    } finally {
      this.#busy = false;
      this.#render();
    }
  }
}
