/**
 * This person's own media: the microphone and camera chosen in the pre-call check,
 * and a shared screen. Muting sets `track.enabled = false`, so the tracks and their
 * m-lines stay published (silence and black frames go out, a few bytes each).
 *
 * Events: `screen-ended` (the browser's own "stop sharing" button was used),
 * `tracks` (a device was switched: {kind, track}).
 */

import { Emitter } from "./emitter.js";

const VIDEO = { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 24, max: 30 } };
const AUDIO = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** Why a device could not be used: "missing", "denied", "busy" or "failed". */
export function deviceIssue(error) {
  switch (error?.name) {
    case "NotFoundError":
    case "OverconstrainedError":
      return "missing";
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    default:
      return "failed";
  }
}

async function listDevices() {
  // No mediaDevices outside a secure context (a plain-http address other than localhost).
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  return navigator.mediaDevices.enumerateDevices().catch(() => []);
}

function constraints(base, deviceId) {
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : { ...base };
}

export class LocalMedia extends Emitter {
  audioTrack = null;
  videoTrack = null;
  screenTrack = null;
  /** null when the camera works, else why not (see `deviceIssue`). */
  cameraIssue = null;
  microphoneIssue = null;
  audioMuted = false;
  videoMuted = false;

  /** Opens the microphone and camera; a device that fails is recorded, not thrown. */
  async open({ cameraId = null, microphoneId = null } = {}) {
    this.#stopDevices();
    const available = await this.#kinds();
    const wantVideo = available.has("videoinput");
    const wantAudio = available.has("audioinput");
    this.cameraIssue = wantVideo ? null : "missing";
    this.microphoneIssue = wantAudio ? null : "missing";
    if (!wantVideo && !wantAudio) return;
    try {
      // One request for both: one permission prompt.
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: wantAudio && constraints(AUDIO, microphoneId),
        video: wantVideo && constraints(VIDEO, cameraId),
      });
      this.audioTrack = stream.getAudioTracks()[0] ?? null;
      this.videoTrack = stream.getVideoTracks()[0] ?? null;
    } catch {
      // Find out which one failed, and keep the other.
      if (wantAudio) this.audioTrack = await this.#single("audio", constraints(AUDIO, microphoneId));
      if (wantVideo) this.videoTrack = await this.#single("video", constraints(VIDEO, cameraId));
    }
    this.#applyMutes();
  }

  /** Switches the camera (pre-call check); emits `tracks`. */
  async useCamera(deviceId) {
    this.videoTrack?.stop();
    this.videoTrack = await this.#single("video", constraints(VIDEO, deviceId));
    this.#applyMutes();
    this.emit("tracks", { kind: "video", track: this.videoTrack });
  }

  /** Switches the microphone (pre-call check); emits `tracks`. */
  async useMicrophone(deviceId) {
    this.audioTrack?.stop();
    this.audioTrack = await this.#single("audio", constraints(AUDIO, deviceId));
    this.#applyMutes();
    this.emit("tracks", { kind: "audio", track: this.audioTrack });
  }

  /** `{cameras, microphones}`: `[{deviceId, label}]` (labels once permission was given). */
  async devices() {
    const all = await listDevices();
    const pick = (kind) =>
      all.filter((d) => d.kind === kind && d.deviceId !== "" && d.deviceId !== "default" && d.deviceId !== "communications");
    return { cameras: pick("videoinput"), microphones: pick("audioinput") };
  }

  /** The device id a track was opened on. */
  static deviceOf(track) {
    return track?.getSettings?.().deviceId ?? null;
  }

  setAudioMuted(muted) {
    this.audioMuted = muted;
    this.#applyMutes();
  }

  setVideoMuted(muted) {
    this.videoMuted = muted;
    this.#applyMutes();
  }

  /** Asks the browser for a screen, window or tab; throws if the user cancels. */
  async startScreen() {
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: { ideal: 15, max: 30 } },
      audio: false,
    });
    const track = stream.getVideoTracks()[0];
    // Screens carry text and images (reports, scans): keep them sharp, drop frames instead.
    if ("contentHint" in track) track.contentHint = "detail";
    track.addEventListener("ended", () => {
      if (this.screenTrack === track) {
        this.screenTrack = null;
        this.emit("screen-ended");
      }
    });
    this.screenTrack = track;
    return track;
  }

  stopScreen() {
    const track = this.screenTrack;
    this.screenTrack = null;
    track?.stop();
  }

  /** Stops every track. Idempotent. */
  close() {
    this.#stopDevices();
    this.stopScreen();
  }

  #stopDevices() {
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.audioTrack = this.videoTrack = null;
  }

  #applyMutes() {
    if (this.audioTrack) this.audioTrack.enabled = !this.audioMuted;
    if (this.videoTrack) this.videoTrack.enabled = !this.videoMuted;
  }

  async #kinds() {
    const all = await listDevices();
    return new Set(all.map((d) => d.kind));
  }

  async #single(kind, trackConstraints) {
    const issueKey = kind === "video" ? "cameraIssue" : "microphoneIssue";
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: trackConstraints });
      this[issueKey] = null;
      return stream.getTracks()[0] ?? null;
    } catch (error) {
      this[issueKey] = deviceIssue(error);
      return null;
    }
  }
}
