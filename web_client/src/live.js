/**
 * The desk's Socket.IO connection: the server pushes the account's notifications
 * (`notification`: `{event, payload}`, payloads carry ids only). The access token is
 * asked of the session at every (re)connect, so a reconnect after the token expired
 * presents a fresh one.
 *
 * Events: `notification` ({event, payload, created_at_ms}), `state` (true when connected).
 */

import { io } from "/vendor/socket.io/socket.io.esm.min.js";
import { Emitter } from "./emitter.js";

/** After a refusal the client does not retry by itself: try again this much later. */
const RETRY_AFTER_REFUSAL_MS = 3000;

export class LiveNotifications extends Emitter {
  #socket;
  #retry = null;
  #closed = false;

  constructor(origin, session) {
    super();
    this.#socket = io(origin, {
      auth: (send) => {
        session.accessToken().then(
          (token) => send({ access_token: token }),
          () => send({}),
        );
      },
      transports: ["websocket"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.#socket.on("connect", () => this.emit("state", true));
    // The server closes the connection when its token expires, and refuses a handshake
    // with an expired one; Socket.IO retries neither by itself. The next attempt asks
    // the session for a renewed token.
    this.#socket.on("disconnect", () => {
      this.emit("state", false);
      this.#retryIfStopped(0);
    });
    this.#socket.on("connect_error", () => {
      this.emit("state", false);
      this.#retryIfStopped(RETRY_AFTER_REFUSAL_MS);
    });
    this.#socket.on("notification", (notification) => this.emit("notification", notification));
  }

  #retryIfStopped(delayMs) {
    if (this.#socket.active || this.#closed) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#socket.connect(), delayMs);
  }

  get connected() {
    return this.#socket.connected;
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#socket.disconnect();
    this.removeAllListeners();
  }
}
