/**
 * The Socket.IO connection to the server: authentication at connect, requests
 * answered through acknowledgements, and the server's events.
 *
 * Every request is one JSON object answered with `{ok: true, ...}` or
 * `{ok: false, error: {code, message, event}}`; `request()` returns the first and
 * throws a `SignalingError` for the second. Event names mirror `signaling/protocol.py`.
 */

import { io } from "/vendor/socket.io/socket.io.esm.min.js";
import { Emitter } from "./emitter.js";

export const ClientEvent = Object.freeze({
  JOIN: "join",
  LEAVE: "leave",
  PUBLISH: "publish",
  SUBSCRIBE_ANSWER: "subscribe-answer",
  ICE_CANDIDATE: "ice-candidate",
  CHAT: "chat",
  MEDIA_STATE: "media-state",
  RECORDING_CONSENT: "recording-consent",
  RECORDING_START: "recording-start",
  RECORDING_STOP: "recording-stop",
  VIEWER_UPDATE: "viewer-update",
  VIEWER_CONTROL: "viewer-control",
  VIEWER_MEASURE: "viewer-measure",
});

export const ServerEvent = Object.freeze({
  PARTICIPANT_JOINED: "participant-joined",
  PARTICIPANT_LEFT: "participant-left",
  PARTICIPANT_UPDATED: "participant-updated",
  ACTIVE_SPEAKER: "active-speaker",
  TRACK_PUBLISHED: "track-published",
  TRACK_UNPUBLISHED: "track-unpublished",
  SUBSCRIBE_OFFER: "subscribe-offer",
  CHAT: "chat",
  REQUEST_ERROR: "request-error",
  SESSION_REPLACED: "session-replaced",
  RECORDING_STATE: "recording-state",
  VIEWER_STATE: "viewer-state",
});

/** How long a request waits for its acknowledgement. */
export const REQUEST_TIMEOUT_MS = 10_000;

export class SignalingError extends Error {
  constructor(code, message, event = null) {
    super(message);
    this.name = "SignalingError";
    /** The server's error code (`not-permitted`, `token-expired`, …), or `timeout` / `not-connected`. */
    this.code = code;
    this.event = event;
  }
}

/**
 * Events: `connected` ({first}), `disconnected` (reason), `refused` (SignalingError:
 * the server turned the connection down, e.g. an expired token; no retry follows),
 * and every server event by its protocol name.
 */
export class Signaling extends Emitter {
  #socket;
  #connects = 0;
  #closed = false;

  constructor(origin, token) {
    super();
    this.#socket = io(origin, {
      auth: { token },
      transports: ["websocket"],
      autoConnect: false,
      // Back quickly after a short outage; never give up while the page is open.
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 8000,
    });
    this.#socket.on("connect", () => {
      this.#connects += 1;
      this.emit("connected", { first: this.#connects === 1 });
    });
    this.#socket.on("disconnect", (reason) => this.emit("disconnected", reason));
    this.#socket.on("connect_error", (error) => {
      if (this.#socket.active) {
        // A network failure: Socket.IO tries again by itself.
        this.emit("connect-failed", error);
        return;
      }
      const code = error?.data?.code ?? "connection-refused";
      this.emit("refused", new SignalingError(code, error?.message ?? code));
    });
    for (const name of Object.values(ServerEvent)) {
      this.#socket.on(name, (payload) => this.emit(name, payload));
    }
  }

  get connected() {
    return this.#socket.connected;
  }

  /**
   * Connects (if not connected or connecting already); resolves once connected,
   * rejects with the `SignalingError` of a refusal.
   */
  open() {
    if (this.#socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offConnected = this.on("connected", () => {
        offConnected();
        offRefused();
        resolve();
      });
      const offRefused = this.on("refused", (error) => {
        offConnected();
        offRefused();
        reject(error);
      });
      // Only if not under way already: connect() on a socket whose engine is open but
      // whose namespace CONNECT is still unanswered sends a second CONNECT, and the
      // server then holds two sessions for one socket (requests went unanswered).
      if (!this.#socket.active) this.#socket.connect();
    });
  }

  /**
   * Connects again now: after the server closed the connection (which Socket.IO never
   * retries), or when the network is back while Socket.IO still waits out its back-off.
   */
  reconnect() {
    if (this.#closed || this.#socket.connected) return;
    if (this.#socket.active) this.#socket.disconnect(); // cancels the back-off timer
    this.#socket.connect();
  }

  /** Sends `event` and returns its `{ok: true}` reply; throws `SignalingError` otherwise. */
  async request(event, payload = {}, timeoutMs = REQUEST_TIMEOUT_MS) {
    // Socket.IO would buffer an emit made while disconnected and send it after the
    // reconnect, to a session that never asked for it: refuse it here instead.
    if (!this.#socket.connected) {
      throw new SignalingError("not-connected", "not connected to the server", event);
    }
    let reply;
    try {
      reply = await this.#socket.timeout(timeoutMs).emitWithAck(event, payload);
    } catch {
      throw new SignalingError("timeout", `no reply to '${event}' within ${timeoutMs} ms`, event);
    }
    if (!reply?.ok) {
      const error = reply?.error ?? {};
      throw new SignalingError(error.code ?? "unknown-error", error.message ?? "request refused", event);
    }
    return reply;
  }

  /** Closes the connection for good. Idempotent. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.disconnect();
    this.#socket.removeAllListeners();
    this.removeAllListeners();
  }
}
