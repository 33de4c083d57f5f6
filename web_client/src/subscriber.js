/**
 * The receive connection: the server offers every track of the others on it, one
 * offer outstanding at a time, and names each m-line's track (`tracks[].mid`).
 * A track whose m-line is missing from the latest offer's list is gone.
 */

import { ClientEvent } from "./signaling.js";

/**
 * Which received tracks the offer's list names, by mid: a pure function of the
 * connection's transceivers and the latest `subscribe-offer.tracks`.
 */
export function mapTracks(transceivers, offeredTracks) {
  const byMid = new Map(offeredTracks.map((track) => [String(track.mid), track]));
  const mapped = new Map();
  for (const transceiver of transceivers) {
    if (transceiver.currentDirection === "inactive" || transceiver.currentDirection === "stopped") continue;
    const info = byMid.get(String(transceiver.mid));
    if (info && transceiver.receiver?.track) {
      mapped.set(info.mid, { ...info, track: transceiver.receiver.track, receiver: transceiver.receiver });
    }
  }
  return mapped;
}

export class Subscriber {
  #pc;
  #signaling;
  #queue = Promise.resolve();
  #tracks = new Map(); // mid → {track_id, participant_id, kind, source, mid, track, receiver}
  #answered = false;
  #pendingCandidates = [];
  #closed = false;
  #onTracks;

  constructor({ signaling, iceServers, onTracks, onConnectionState }) {
    this.#signaling = signaling;
    this.#onTracks = onTracks;
    this.#pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle" });
    this.#pc.addEventListener("icecandidate", (event) => this.#onCandidate(event.candidate));
    this.#pc.addEventListener("connectionstatechange", () => onConnectionState?.(this.#pc.connectionState));
  }

  get pc() {
    return this.#pc;
  }

  get connectionState() {
    return this.#pc.connectionState;
  }

  /** The tracks received now, by mid. */
  get tracks() {
    return this.#tracks;
  }

  /** The received track of one participant and source (camera, microphone, screen). */
  find(participantId, source) {
    for (const info of this.#tracks.values()) {
      if (info.participant_id === participantId && info.source === source) return info;
    }
    return null;
  }

  /** Applies a `subscribe-offer`; offers are handled in the order they came. */
  handleOffer(offer) {
    const run = this.#queue.then(() => this.#answer(offer));
    this.#queue = run.catch((error) => console.error("[Subscriber] an offer failed", error));
    return run;
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#pc.close();
    this.#tracks.clear();
  }

  async #answer(offer) {
    if (this.#closed) return;
    await this.#pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    const reply = this.#signaling.request(ClientEvent.SUBSCRIBE_ANSWER, {
      type: "answer",
      sdp: this.#pc.localDescription.sdp,
    });
    this.#answered = true;
    this.#flushCandidates();
    this.#tracks = mapTracks(this.#pc.getTransceivers(), offer.tracks ?? []);
    this.#onTracks?.(this.#tracks);
    await reply;
  }

  #onCandidate(candidate) {
    this.#pendingCandidates.push(candidate ? candidate.toJSON() : null);
    if (this.#answered) this.#flushCandidates();
  }

  #flushCandidates() {
    for (const candidate of this.#pendingCandidates.splice(0)) {
      this.#signaling
        .request(ClientEvent.ICE_CANDIDATE, { transport: "recv", candidate })
        .catch((error) => console.warn("[Subscriber] a candidate was not taken", error.code, error.message));
    }
  }
}
