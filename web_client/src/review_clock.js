/**
 * The review's one master clock and the media elements that follow it.
 *
 * The clock runs on `performance.now()`, not on any one element: participants join
 * late and leave early, so no single file spans the recording. Each `<video>` /
 * `<audio>` is placed on the clock at its file's offset; on play, pause and seek all
 * are set together, and while playing an element that drifts more than
 * MAX_DRIFT_S from where the clock says it should be is put back.
 *
 * Events: `time` (ms since the recording started; every animation frame while
 * playing, and after a seek), `state` (playing: boolean).
 */

import { Emitter } from "./emitter.js";

/** Drift tolerated before an element is re-seeked (a seek costs a short stall). */
const MAX_DRIFT_S = 0.3;
const ALIGN_EVERY_MS = 250;
export const RATES = Object.freeze([0.5, 1, 1.5, 2]);

export class ReviewClock extends Emitter {
  durationMs;
  playing = false;
  rate = 1;
  #baseMs = 0;
  #baseNow = 0;
  #media = [];
  #frame = 0;
  #alignTimer = 0;

  constructor(durationMs) {
    super();
    this.durationMs = Math.max(0, durationMs);
  }

  /** Milliseconds since the recording started, as the clock says now. */
  get currentMs() {
    if (!this.playing) return this.#baseMs;
    return Math.min(this.durationMs, this.#baseMs + (performance.now() - this.#baseNow) * this.rate);
  }

  /** Puts `element` on the clock: its time 0 is `offsetMs` after the recording started. */
  add(element, offsetMs) {
    const entry = { element, offsetMs };
    this.#media.push(entry);
    element.addEventListener("loadedmetadata", () => this.#alignOne(entry, true));
    this.#alignOne(entry, true);
  }

  play() {
    if (this.playing) return;
    if (this.currentMs >= this.durationMs) this.#baseMs = 0;
    this.#baseNow = performance.now();
    this.playing = true;
    this.#align(true);
    this.#loop();
    this.#alignTimer = setInterval(() => this.#align(false), ALIGN_EVERY_MS);
    this.emit("state", true);
  }

  pause() {
    if (!this.playing) return;
    this.#baseMs = this.currentMs;
    this.playing = false;
    cancelAnimationFrame(this.#frame);
    clearInterval(this.#alignTimer);
    this.#align(true);
    this.emit("state", false);
    this.emit("time", this.#baseMs);
  }

  seek(ms) {
    this.#baseMs = Math.min(this.durationMs, Math.max(0, ms));
    this.#baseNow = performance.now();
    this.#align(true);
    this.emit("time", this.#baseMs);
  }

  setRate(rate) {
    this.#baseMs = this.currentMs;
    this.#baseNow = performance.now();
    this.rate = rate;
    for (const { element } of this.#media) element.playbackRate = rate;
    this.#align(true);
  }

  close() {
    cancelAnimationFrame(this.#frame);
    clearInterval(this.#alignTimer);
    for (const { element } of this.#media) element.pause();
    this.removeAllListeners();
  }

  #loop() {
    this.#frame = requestAnimationFrame(() => {
      if (!this.playing) return;
      const now = this.currentMs;
      this.emit("time", now);
      if (now >= this.durationMs) {
        this.pause();
        return;
      }
      this.#loop();
    });
  }

  #align(force) {
    for (const entry of this.#media) this.#alignOne(entry, force);
  }

  /** Where the clock says `entry` should be: before its start, inside, or after its end. */
  #alignOne({ element, offsetMs }, force) {
    const local = (this.currentMs - offsetMs) / 1000;
    const duration = Number.isFinite(element.duration) ? element.duration : Infinity;
    const inside = local >= 0 && local < duration;
    element.dataset.active = String(inside);
    if (!inside) {
      if (!element.paused) element.pause();
      const rest = local < 0 ? 0 : duration;
      if (force && element.readyState > 0 && Number.isFinite(rest) && Math.abs(element.currentTime - rest) > 0.05) element.currentTime = rest;
      return;
    }
    if (force || Math.abs(element.currentTime - local) > MAX_DRIFT_S) {
      if (element.readyState > 0 || force) element.currentTime = local;
    }
    element.playbackRate = this.rate;
    if (this.playing && element.paused) {
      element.play().catch((error) => {
        // A refusal (autoplay policy) leaves this element silent; the clock goes on.
        if (error?.name !== "AbortError") console.warn("[ReviewClock] play refused", error?.name);
      });
    } else if (!this.playing && !element.paused) element.pause();
  }
}
