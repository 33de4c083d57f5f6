/**
 * This client's side of the shared CT view: the server's latest `viewer-state`, the
 * view this client shows, and the presenter's changes on their way to the server.
 *
 * Modes: `presenting` (this client has control: its changes show at once and go to
 * the server, throttled, latest wins), `following` (it shows the server's view), and
 * `browsing` (it keeps its own view and ignores the shared one until it follows again).
 *
 * Sending: at most one request in flight and at most one every SEND_INTERVAL_MS; only
 * the fields the presenter changed are sent, with the version they were changed on. A
 * change refused as stale (someone else changed the view meanwhile: a hand-over, a
 * release) is tried again on the newest view, if this client still presents and still
 * shows the same series; anything else is dropped and the shared view shown.
 * Measurements wait until the view they were drawn on has reached the server.
 *
 * Events: `change` (after any change of the shown view or the mode), `error`
 * ({code, message, what}), `measured` (ok: boolean).
 */

import { Emitter } from "./emitter.js";

/** ≤ 20 updates a second: a fast scroll sends the slice it has reached, not every one. */
export const SEND_INTERVAL_MS = 50;
/** A refused stale change with no newer state in sight is tried again after this. */
const STALE_RETRY_MS = 400;
/** After a lost connection, pending changes wait for the rejoin (which resets them). */
const OFFLINE_CODES = new Set(["not-connected", "timeout"]);

/** What a presenter's update may change (rooms/viewer.py `_CHANGEABLE`). */
export const VIEW_FIELDS = Object.freeze(["series_uid", "plane", "index", "window_center", "window_width", "zoom", "pan", "pointer"]);

function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return a === b;
}

function stripOk(reply) {
  const { ok: _ok, ...info } = reply;
  return info;
}

export class SharedView extends Emitter {
  /** The server's newest ViewerInfo (null before the join reply). */
  latest = null;
  /** The view this client shows (a ViewerInfo-shaped object). */
  view = null;
  following = true;
  #request;
  #selfId;
  #dirty = new Set();
  #inFlight = null;
  #measures = [];
  #timer = 0;
  #lastSentAt = 0;
  #waitingForState = false;

  /**
   * @param request `(event, payload) → Promise<reply>` (Signaling.request)
   * @param selfId `() → this client's participant id`
   */
  constructor({ request, selfId }) {
    super();
    this.#request = request;
    this.#selfId = selfId;
  }

  get presenting() {
    return Boolean(this.latest?.presenter) && this.latest.presenter === this.#selfId();
  }

  get mode() {
    if (this.presenting) return "presenting";
    return this.following ? "following" : "browsing";
  }

  /** Whether this client asked for control and waits for the presenter. */
  get requested() {
    return Boolean(this.latest?.control_requests?.includes(this.#selfId()));
  }

  /** A ViewerInfo from the server: a join reply (`reset`), an event or a reply. */
  receive(info, { reset = false } = {}) {
    if (!info) return;
    if (!reset && this.latest && info.version < this.latest.version) return; // an older one, overtaken
    const wasPresenting = this.presenting;
    this.latest = info;
    if (reset) {
      this.#dirty.clear();
      this.#measures = [];
      this.following = true;
    }
    const nowPresenting = this.presenting;
    if (nowPresenting !== wasPresenting) {
      // Control came or went: start from the shared view either way.
      this.#dirty.clear();
      this.following = true;
      if (!nowPresenting) this.#dropMeasures("ct.error.lostControl");
    }
    if (this.presenting) {
      this.view = { ...info, ...this.#pending() };
    } else if (this.following || !this.view || this.view.series_uid === null) {
      this.view = { ...info };
    } else {
      // Browsing alone: keep the own view, but take the new measurements and requests.
      this.view = { ...this.view, measurements: info.measurements, presenter: info.presenter, control_requests: info.control_requests };
    }
    if (this.#waitingForState) {
      this.#waitingForState = false;
      this.#schedule();
    }
    this.emit("change");
  }

  /**
   * The user changes the shown view. A follower who does so starts browsing alone (the
   * shared view is not theirs to change); a presenter's change goes to everyone.
   */
  change(fields) {
    if (!this.view) return;
    if (!this.presenting) {
      this.following = false;
      delete fields.pointer; // only a presenter points for everyone
    }
    const seriesBefore = this.view.series_uid;
    for (const [name, value] of Object.entries(fields)) {
      if (!VIEW_FIELDS.includes(name)) continue;
      if (same(this.view[name], value)) continue;
      this.view = { ...this.view, [name]: value };
      if (this.presenting) this.#dirty.add(name);
    }
    if (this.view.series_uid !== seriesBefore) {
      // Another series: the measurements of the old one do not apply to it.
      this.view = { ...this.view, measurements: [] };
    }
    this.#schedule();
    this.emit("change");
  }

  /** Browse alone from the view shown now. */
  browseAlone() {
    if (this.presenting || !this.following) return;
    this.following = false;
    this.emit("change");
  }

  /** Back to the presenter's view. */
  follow() {
    this.following = true;
    if (this.latest) this.view = { ...this.latest };
    this.emit("change");
  }

  /** The presenter measures on the shown plane; the server computes the result. */
  measure(kind, points) {
    if (!this.presenting || !this.view) return false;
    this.#measures.push({ kind, points, series_uid: this.view.series_uid, plane: this.view.plane, index: this.view.index });
    this.#schedule();
    return true;
  }

  /** `viewer-control`: request, grant (to a participant who asked) or release control. */
  async control(action, participantId = null) {
    const payload = participantId ? { action, participant_id: participantId } : { action };
    try {
      this.receive(stripOk(await this.#request("viewer-control", payload)));
    } catch (error) {
      this.emit("error", { code: error.code ?? "internal-error", message: error.message, what: "control" });
    }
  }

  /** Forget pending work (the pane closes). */
  close() {
    clearTimeout(this.#timer);
    this.removeAllListeners();
  }

  // --- sending ------------------------------------------------------------------------

  #pending() {
    const out = {};
    for (const name of this.#dirty) out[name] = this.view?.[name];
    if (this.#inFlight) for (const name of Object.keys(this.#inFlight.changes)) if (this.view) out[name] = this.view[name];
    return out;
  }

  #schedule() {
    if (this.#timer || this.#inFlight || !this.presenting) return;
    if (this.#dirty.size === 0 && this.#measures.length === 0) return;
    const wait = Math.max(0, this.#lastSentAt + SEND_INTERVAL_MS - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = 0;
      this.#send();
    }, wait);
  }

  async #send() {
    if (this.#inFlight || !this.presenting || !this.latest) return;
    if (this.#dirty.size > 0) await this.#sendUpdate();
    else if (this.#measures.length > 0) await this.#sendMeasure();
    this.#schedule();
  }

  async #sendUpdate() {
    const changes = {};
    for (const name of this.#dirty) changes[name] = this.view[name];
    this.#dirty.clear();
    const version = this.latest.version;
    const sent = { changes, version, series_uid: this.view.series_uid };
    this.#inFlight = sent;
    this.#lastSentAt = performance.now();
    try {
      const reply = stripOk(await this.#request("viewer-update", { version, changes }));
      this.#inFlight = null;
      this.receive(reply);
    } catch (error) {
      this.#inFlight = null;
      this.#refused(error, sent);
    }
  }

  #refused(error, sent) {
    const code = error.code ?? "internal-error";
    const stillMeaningful = this.presenting && this.view?.series_uid === sent.series_uid;
    if ((code === "stale-viewer-state" || OFFLINE_CODES.has(code)) && stillMeaningful) {
      // The user's intent stands: send the fields again (their newest values) on the
      // newest view, once it is here.
      for (const name of Object.keys(sent.changes)) if (!same(this.view[name], this.latest[name])) this.#dirty.add(name);
      if (this.latest.version === sent.version && code === "stale-viewer-state") {
        this.#waitingForState = true;
        setTimeout(() => {
          if (!this.#waitingForState) return;
          this.#waitingForState = false;
          this.#schedule();
        }, STALE_RETRY_MS);
      } else if (OFFLINE_CODES.has(code)) {
        setTimeout(() => this.#schedule(), STALE_RETRY_MS * 2);
      }
      return;
    }
    // Refused for good: show the shared view again for those fields.
    if (this.view && this.latest) {
      const restored = {};
      for (const name of Object.keys(sent.changes)) if (!this.#dirty.has(name)) restored[name] = this.latest[name];
      this.view = { ...this.view, ...restored };
    }
    // Control passed to someone else meanwhile: the status line says so; no error to show.
    const lostControl = !this.presenting && (code === "not-permitted" || code === "stale-viewer-state");
    if (!lostControl && code !== "stale-viewer-state") this.emit("error", { code, message: error.message, what: "update" });
    this.emit("change");
  }

  async #sendMeasure() {
    const item = this.#measures.shift();
    const latest = this.latest;
    if (latest.series_uid !== item.series_uid || latest.plane !== item.plane || latest.index !== item.index) {
      this.emit("measured", false);
      this.emit("error", { code: "view-changed", message: "", what: "measure" });
      return;
    }
    this.#inFlight = { changes: {}, version: latest.version };
    this.#lastSentAt = performance.now();
    try {
      const reply = stripOk(await this.#request("viewer-measure", { version: latest.version, kind: item.kind, points: item.points }));
      this.#inFlight = null;
      this.receive(reply);
      this.emit("measured", true);
    } catch (error) {
      this.#inFlight = null;
      if (error.code === "stale-viewer-state" && this.presenting) {
        // The view moved on (a request for control, say): measure again on the newest.
        this.#measures.unshift(item);
        this.#waitingForState = this.latest.version === latest.version;
        if (this.#waitingForState) setTimeout(() => ((this.#waitingForState = false), this.#schedule()), STALE_RETRY_MS);
        return;
      }
      this.emit("measured", false);
      this.emit("error", { code: error.code ?? "internal-error", message: error.message, what: "measure" });
    }
  }

  #dropMeasures(key) {
    if (this.#measures.length === 0) return;
    this.#measures = [];
    this.emit("measured", false);
    this.emit("error", { code: "lost-control", message: key, what: "measure" });
  }
}
