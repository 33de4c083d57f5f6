/**
 * Plays the others' sound: one hidden audio element per received audio track
 * (microphones and shared-screen audio). Video tiles are always muted.
 */

import { h } from "./dom.js";

export class AudioSink {
  #elements = new Map(); // track id → audio element

  constructor() {
    this.el = h("div", { class: "audio-sink", "aria-hidden": "true" });
  }

  /** Plays exactly the audio tracks of `remoteTracks` (mid → track info). */
  sync(remoteTracks) {
    const wanted = new Map();
    for (const info of remoteTracks.values()) {
      if (info.kind === "audio") wanted.set(info.track.id, info.track);
    }
    for (const [id, element] of this.#elements) {
      if (wanted.has(id)) continue;
      element.srcObject = null;
      element.remove();
      this.#elements.delete(id);
    }
    for (const [id, track] of wanted) {
      if (this.#elements.has(id)) continue;
      const element = h("audio", { autoplay: true });
      element.srcObject = new MediaStream([track]);
      element.play().catch((error) => console.warn("[AudioSink] playback blocked until a click", error.name));
      this.el.append(element);
      this.#elements.set(id, element);
    }
  }

  /** Retries playback (after a user gesture, when autoplay was blocked). */
  resume() {
    for (const element of this.#elements.values()) if (element.paused) element.play().catch(() => {});
  }

  close() {
    this.sync(new Map());
  }
}
