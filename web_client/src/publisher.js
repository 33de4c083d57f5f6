/**
 * The send connection: this client's camera, microphone and screen, offered to the
 * server with `publish`. The client always offers here and the server always offers
 * on the receive connection, so the two sides never offer on one connection at once.
 */

import { ClientEvent } from "./signaling.js";

/** Sender limits. The camera stays modest (a village clinic's uplink is often under
 * 1.5 Mbit/s); a shared screen keeps its resolution and drops frames instead
 * (W3C mst-content-hint "detail": text and images must stay sharp). */
const ENCODINGS = {
  camera: { maxBitrate: 900_000 },
  screen: { maxBitrate: 1_500_000 },
};

export class Publisher {
  #pc;
  #signaling;
  #sources = new Map(); // RTCRtpSender → source
  #queue = Promise.resolve();
  #offered = false;
  #pendingCandidates = [];
  #closed = false;

  constructor({ signaling, iceServers, onConnectionState }) {
    this.#signaling = signaling;
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

  /** Whether `source` (camera, microphone, screen) is being sent. */
  has(source) {
    return [...this.#sources.values()].includes(source);
  }

  /** Adds tracks (`[{track, source}]`) and publishes them in one offer. */
  async add(items) {
    for (const { track, source } of items) {
      const stream = new MediaStream([track]);
      const transceiver = this.#pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
      this.#sources.set(transceiver.sender, source);
      if (source === "screen" && "degradationPreference" in RTCRtpSender.prototype) {
        transceiver.sender.degradationPreference = "maintain-resolution";
      }
    }
    await this.#negotiate();
    for (const { source } of items) await this.#limit(source);
  }

  /** Stops sending `source`; the server closes that track and tells the others. */
  async remove(source) {
    for (const [sender, kept] of this.#sources) {
      if (kept !== source) continue;
      this.#sources.delete(sender);
      if (this.#pc.signalingState !== "closed") this.#pc.removeTrack(sender);
    }
    await this.#negotiate();
  }

  /** The `RTCRtpSender` of `source`, if published. */
  sender(source) {
    for (const [sender, kept] of this.#sources) if (kept === source) return sender;
    return null;
  }

  async getStats() {
    return this.#pc.getStats();
  }

  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#pc.close();
  }

  #negotiate() {
    // One offer at a time: a screen share started while the first publish is
    // still waiting for its answer is offered after it.
    const run = this.#queue.then(() => this.#offer());
    this.#queue = run.catch(() => {});
    return run;
  }

  async #offer() {
    if (this.#closed) return;
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    const sources = {};
    for (const transceiver of this.#pc.getTransceivers()) {
      const source = this.#sources.get(transceiver.sender);
      if (source && transceiver.mid !== null) sources[transceiver.mid] = source;
    }
    const reply = this.#signaling.request(ClientEvent.PUBLISH, {
      type: "offer",
      sdp: this.#pc.localDescription.sdp,
      sources,
    });
    this.#offered = true;
    this.#flushCandidates();
    const answer = await reply;
    if (this.#closed) return;
    await this.#pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  }

  async #limit(source) {
    const limits = ENCODINGS[source];
    const sender = this.sender(source);
    if (!limits || !sender || this.#closed) return;
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length) return;
    Object.assign(parameters.encodings[0], limits);
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      console.warn(`[Publisher] could not limit the ${source} sender`, error);
    }
  }

  #onCandidate(candidate) {
    this.#pendingCandidates.push(candidate ? candidate.toJSON() : null);
    if (this.#offered) this.#flushCandidates();
  }

  #flushCandidates() {
    for (const candidate of this.#pendingCandidates.splice(0)) {
      this.#signaling
        .request(ClientEvent.ICE_CANDIDATE, { transport: "send", candidate })
        .catch((error) => console.warn("[Publisher] a candidate was not taken", error.code, error.message));
    }
  }
}
