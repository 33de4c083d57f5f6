/**
 * A minimal event emitter. A listener that throws is reported on the console and
 * never stops the other listeners (mediasoup's safeEmit).
 */
export class Emitter {
  #listeners = new Map();

  /** Calls `listener` for every `event`; returns a function that removes it. */
  on(event, listener) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  emit(event, ...args) {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`[${this.constructor.name}] a '${event}' listener failed`, error);
      }
    }
  }

  removeAllListeners() {
    this.#listeners.clear();
  }
}
