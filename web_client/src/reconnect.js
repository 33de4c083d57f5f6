/**
 * Watches a call's media connections and the browser's network status, and asks the
 * call to rejoin when media stopped flowing: at once when a connection "failed",
 * after `graceMs` when it stays "disconnected" (ICE often recovers from a short
 * blip by itself). Socket reconnects are handled by the call itself.
 */

export const DISCONNECTED_GRACE_MS = 3000;

export class Reconnector {
  #call;
  #graceMs;
  #timers = new Map(); // "send" | "recv" → timeout
  #onOnline = () => this.#call.signaling.reconnect();

  constructor(call, { graceMs = DISCONNECTED_GRACE_MS } = {}) {
    this.#call = call;
    this.#graceMs = graceMs;
    call.onConnectionState = (which, state) => this.#onState(which, state);
    // Back online: do not wait for Socket.IO's back-off to come round.
    window.addEventListener("online", this.#onOnline);
  }

  close() {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    window.removeEventListener("online", this.#onOnline);
    this.#call.onConnectionState = null;
  }

  #onState(which, state) {
    clearTimeout(this.#timers.get(which));
    this.#timers.delete(which);
    if (state === "failed") {
      this.#call.rejoin(`${which} connection failed`);
    } else if (state === "disconnected") {
      this.#timers.set(
        which,
        setTimeout(() => {
          this.#timers.delete(which);
          this.#call.rejoin(`${which} connection disconnected for ${this.#graceMs} ms`);
        }, this.#graceMs),
      );
    }
  }
}
