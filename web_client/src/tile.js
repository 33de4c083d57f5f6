/**
 * One video tile: a participant's camera (or avatar when there is no picture), or
 * their shared screen. Shows name, role, institution, microphone and camera state,
 * connection quality, and who is speaking.
 */

import { avatar } from "./avatar.js";
import { h, replaceChildren, setFlag } from "./dom.js";
import { icon } from "./icons.js";

function round(value, digits = 0) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

export class Tile {
  #i18n;
  #info = null;
  #track = null;
  #isSelf;
  #hasFrames = false;
  #noMedia = null; // "audio-only" | "listen-only" | null

  constructor(i18n, { participant, source, isSelf = false }) {
    this.#i18n = i18n;
    this.source = source;
    this.#isSelf = isSelf;
    this.video = h("video", { class: "tile__video", autoplay: true, playsInline: true, muted: true });
    this.video.muted = true; // The sound comes from the audio elements, never from a tile.
    for (const name of ["loadeddata", "resize", "playing"]) {
      this.video.addEventListener(name, () => this.#onFrames());
    }
    this.avatarSlot = h("div", { class: "tile__avatar" });
    this.statusText = h("span", { class: "tile__status" });
    this.name = h("span", { class: "tile__name", "data-testid": "tile-name" });
    this.meta = h("span", { class: "tile__meta" });
    this.mic = h("span", { class: "tile__mic" });
    this.qualityTip = h("span", { class: "quality__tip", role: "tooltip" });
    this.quality = h(
      "span",
      { class: "quality", tabindex: "0", "data-level": "unknown" },
      h("span", { class: "quality__bars", "aria-hidden": "true" }, h("i"), h("i"), h("i")),
      this.qualityTip,
    );
    this.speakingBadge = h("span", { class: "tile__speaking", "aria-hidden": "true" }, h("i"), h("i"), h("i"));
    this.el = h(
      "article",
      {
        class: `tile tile--${source}${isSelf ? " tile--self" : ""}`,
        "data-testid": "tile",
        "data-participant-id": participant.participant_id,
        "data-source": source,
        "data-self": isSelf ? "true" : "false",
      },
      this.video,
      h("div", { class: "tile__placeholder" }, this.avatarSlot, this.statusText),
      h("div", { class: "tile__top" }, source === "camera" ? this.quality : null),
      h(
        "div",
        { class: "tile__label" },
        this.mic,
        h("span", { class: "tile__who" }, this.name, this.meta),
        this.speakingBadge,
      ),
    );
    setFlag(this.el, "speaking", false);
    this.setParticipant(participant);
    this.setQuality({ level: "unknown" });
  }

  get participantId() {
    return this.#info.participant_id;
  }

  /** Updates name, role, institution and mute state. */
  setParticipant(info) {
    this.#info = info;
    const i18n = this.#i18n;
    if (this.source === "screen") {
      i18n.text(this.name, "tile.screen", { name: info.display_name });
      replaceChildren(this.meta);
    } else {
      this.name.textContent = info.display_name;
      if (this.#isSelf) this.name.append(i18n.text(h("span", { class: "tile__you" }), "tile.selfSuffix"));
      replaceChildren(
        this.meta,
        i18n.text(h("span", {}), `role.${info.role}`),
        info.institution ? h("span", { class: "tile__institution" }, ` · ${info.institution}`) : null,
      );
    }
    replaceChildren(this.avatarSlot, avatar(info, "lg"));
    setFlag(this.el, "muted", Boolean(info.audio_muted));
    const badge = this.source === "screen" ? icon("screen") : info.audio_muted ? icon("mic-off") : null;
    replaceChildren(this.mic, badge);
    if (info.audio_muted && this.source === "camera") i18n.attr(this.mic, "title", "tile.muted");
    else this.mic.removeAttribute("title");
    this.el.setAttribute("aria-label", `${info.display_name}`);
    this.#render();
  }

  /** Tells the tile that this participant sends no camera ("audio-only") or nothing ("listen-only"). */
  setNoMedia(kind) {
    this.#noMedia = kind;
    this.#render();
  }

  /** The video track to show (null: the avatar). */
  setTrack(track) {
    if (track === this.#track) return;
    this.#track = track;
    this.#hasFrames = false;
    this.video.srcObject = track ? new MediaStream([track]) : null;
    if (track) this.video.play().catch(() => {});
    this.#render();
  }

  setSpeaking(speaking) {
    setFlag(this.el, "speaking", speaking);
  }

  /** A `QualityMonitor` measurement: `{level, lossPct, jitterMs, bitrateKbps, rttMs}`. */
  setQuality(measurement) {
    const level = measurement?.level ?? "unknown";
    this.quality.dataset.level = level;
    const i18n = this.#i18n;
    const lines = [i18n.text(h("strong"), `quality.${level}`)];
    if (level !== "unknown") {
      lines.push(
        i18n.text(h("span"), "quality.detail", {
          loss: round(measurement.lossPct, 1),
          jitter: round(measurement.jitterMs),
          bitrate: round(measurement.bitrateKbps),
          rtt: round(measurement.rttMs),
        }),
      );
    }
    replaceChildren(this.qualityTip, lines);
    i18n.attr(this.quality, "aria-label", `quality.${level}`);
  }

  remove() {
    this.video.srcObject = null;
    this.el.remove();
  }

  #onFrames() {
    if (this.video.videoWidth > 0 && !this.#hasFrames) {
      this.#hasFrames = true;
      this.#render();
    }
  }

  #render() {
    const info = this.#info;
    const cameraOff = this.source === "camera" && Boolean(info?.video_muted);
    const showVideo = Boolean(this.#track) && !cameraOff && (this.#hasFrames || this.#isSelf);
    this.el.dataset.video = showVideo ? "on" : "off";
    // Someone who sends nothing has no connection quality to show.
    this.quality.hidden = this.#noMedia === "listen-only";
    let status = null;
    if (this.source === "camera") {
      if (cameraOff) status = "tile.cameraOff";
      else if (this.#noMedia === "listen-only") status = "tile.listenOnly";
      else if (this.#noMedia === "audio-only") status = "tile.audioOnly";
      else if (this.#track && !showVideo && !this.#isSelf) status = "tile.connecting";
    }
    if (status) this.#i18n.text(this.statusText, status);
    else {
      this.statusText.textContent = "";
      delete this.statusText.dataset.i18n;
    }
  }
}
