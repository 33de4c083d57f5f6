/**
 * The video grid: a tile per participant (their camera or avatar) and one per
 * shared screen. Camera tiles are laid out as large as the stage allows
 * (`bestLayout`); while someone shares a screen, the screen takes the stage and the
 * cameras move to a strip beside it (below it on a phone).
 */

import { h } from "./dom.js";
import { bestLayout } from "./layout.js";
import { Tile } from "./tile.js";

const GAP_PX = 12;

export class Grid {
  #i18n;
  #tiles = new Map(); // "participant_id:source" → Tile
  #observer;
  #speakerId = null;

  constructor(i18n) {
    this.#i18n = i18n;
    this.focus = h("div", { class: "grid__focus" });
    this.people = h("div", { class: "grid__people" });
    this.el = h("section", { class: "grid", "data-layout": "grid", "data-count": "0" }, this.focus, this.people);
    this.#observer = new ResizeObserver(() => this.#layout());
    this.#observer.observe(this.people);
  }

  /** The tile of one participant and source, if shown. */
  tile(participantId, source = "camera") {
    return this.#tiles.get(`${participantId}:${source}`) ?? null;
  }

  /**
   * Shows exactly: a camera tile per participant, a screen tile per shared screen.
   * @param participants ParticipantInfo list, in display order
   * @param selfId this client's participant id
   * @param remoteTracks the receive connection's tracks (mid → info with `track`)
   * @param local `{videoTrack, screenTrack, hasMicrophone, mayPublish}` of this client
   */
  sync({ participants, selfId, remoteTracks, local }) {
    const wanted = new Map();
    const bySource = new Map();
    for (const info of remoteTracks.values()) bySource.set(`${info.participant_id}:${info.source}`, info);
    for (const participant of participants) {
      const id = participant.participant_id;
      const isSelf = id === selfId;
      const camera = isSelf ? local.videoTrack : bySource.get(`${id}:camera`)?.track ?? null;
      const hasAudio = isSelf ? local.hasMicrophone : bySource.has(`${id}:microphone`);
      let noMedia = null;
      if (participant.role === "observer" || (isSelf && !local.mayPublish)) noMedia = "listen-only";
      else if (!camera && hasAudio) noMedia = "audio-only";
      else if (!camera && isSelf) noMedia = "listen-only";
      wanted.set(`${id}:camera`, { participant, source: "camera", isSelf, track: camera, noMedia });
      const screen = isSelf ? local.screenTrack : bySource.get(`${id}:screen`)?.track ?? null;
      if (screen) wanted.set(`${id}:screen`, { participant, source: "screen", isSelf, track: screen, noMedia: null });
    }
    for (const [key, tile] of this.#tiles) {
      if (!wanted.has(key)) {
        tile.remove();
        this.#tiles.delete(key);
      }
    }
    for (const [key, want] of wanted) {
      let tile = this.#tiles.get(key);
      if (!tile) {
        tile = new Tile(this.#i18n, want);
        this.#tiles.set(key, tile);
      }
      tile.setParticipant(want.participant);
      tile.setNoMedia(want.noMedia);
      tile.setTrack(want.track);
      tile.setSpeaking(want.participant.participant_id === this.#speakerId);
      (want.source === "screen" ? this.focus : this.people).append(tile.el);
    }
    const cameras = [...wanted.values()].filter((w) => w.source === "camera").length;
    const screens = wanted.size - cameras;
    this.el.dataset.count = String(cameras);
    this.el.dataset.layout = screens > 0 ? "presenting" : "grid";
    this.#layout();
  }

  setSpeaker(participantId) {
    this.#speakerId = participantId;
    for (const tile of this.#tiles.values()) {
      tile.setSpeaking(tile.source === "camera" && tile.participantId === participantId);
    }
  }

  /** Quality measurements by participant id. */
  setQuality(results) {
    for (const [participantId, measurement] of results) this.tile(participantId, "camera")?.setQuality(measurement);
  }

  /** The camera tile's video element of a participant (tests read videoWidth). */
  videoOf(participantId, source = "camera") {
    return this.tile(participantId, source)?.video ?? null;
  }

  close() {
    this.#observer.disconnect();
    for (const tile of this.#tiles.values()) tile.remove();
    this.#tiles.clear();
  }

  #layout() {
    if (this.el.dataset.layout !== "grid") {
      this.people.style.removeProperty("--tile-w");
      return;
    }
    const { width, height } = this.people.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const count = Number(this.el.dataset.count);
    const { cols, tileWidth } = bestLayout(count, width, height, { gap: GAP_PX });
    this.people.style.setProperty("--tile-w", `${tileWidth}px`);
    this.people.dataset.cols = String(cols);
  }
}
