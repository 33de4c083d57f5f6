/**
 * A desk page's data kept current: it loads it, loads it again when a live notification
 * concerns it, and renders it again when the language changes, until the page closes.
 *
 * Loads run one at a time: notifications may ask for several while one is on its way,
 * and a load that started before the latest change must not be the last word, so a load
 * asked for meanwhile runs once more after it (however often it was asked).
 */

export class LiveReload {
  #load;
  #running = null;
  #again = false;
  #closed = false;
  #unsubscribe;

  /**
   * `load()` fetches and renders (and shows its own refusals; a throw ends the run);
   * `concerns(notification)` says whether a notification (`{event, payload}`) asks for
   * a reload; `render()` redraws what is loaded in the new language.
   */
  constructor({ live, i18n }, { load, concerns, render }) {
    this.#load = load;
    this.#unsubscribe = [
      live.on("notification", (notification = {}) => {
        if (concerns(notification)) this.reload();
      }),
      i18n.on("change", () => render()),
    ];
  }

  /** Loads now, or once more after the load on its way. Settles when no load is due. */
  reload() {
    if (this.#closed) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#load();
      } while (this.#again && !this.#closed);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Stops listening; no load starts after this. Idempotent. */
  close() {
    this.#closed = true;
    for (const off of this.#unsubscribe.splice(0)) off();
  }
}
