/**
 * The application: from the join link to the call and back out. It is the one place
 * that creates the parts (i18n, API, local media, pre-call check, call, views) and
 * connects them; every path ends on a page that says what happened.
 */

import { Api, ApiError } from "./api.js";
import { Call } from "./call.js";
import { CallView } from "./call_view.js";
import { installDebugHook } from "./debug_hook.js";
import { I18n } from "./i18n.js";
import { forgetJoinToken, takeJoinToken } from "./join_link.js";
import { LocalMedia } from "./local_media.js";
import { errorPage, leftPage } from "./pages.js";
import { PrecallView } from "./precall.js";
import { Reconnector } from "./reconnect.js";
import { ReviewPage } from "./review.js";
import { Signaling } from "./signaling.js";

class App {
  #root;
  #i18n;
  #api;
  #token = null;
  #me = null;
  #media = new LocalMedia();
  #call = null;
  #view = null;
  #reconnector = null;
  #review = null;

  constructor(root) {
    this.#root = root;
    this.#i18n = new I18n(window.localStorage);
    document.title = this.#i18n.t("app.title");
    this.#api = new Api(window.location.origin);
    installDebugHook(window, {
      getCall: () => this.#call,
      getGrid: () => this.#view?.grid ?? null,
      getCt: () => this.#view?.ct ?? null,
      getReview: () => this.#review,
    });
  }

  async start() {
    if (window.location.pathname === "/review") return this.#startReview();
    this.#token = takeJoinToken(window.location, window.history, window.sessionStorage);
    if (!window.RTCPeerConnection) return this.#error("unsupported");
    if (!this.#token) return this.#error("missing-link");
    try {
      this.#me = await this.#api.me(this.#token);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "token-expired" || error.code === "token-invalid") forgetJoinToken(window.sessionStorage);
      return this.#error(error.code, error.message);
    }
    // Connect while the person checks camera and microphone: on a slow link the
    // WebSocket's handshakes take several round trips that Join need not wait for.
    const signaling = new Signaling(window.location.origin, this.#token);
    signaling.open().catch(() => {}); // A refusal is met again, and shown, when joining.
    const precall = new PrecallView(this.#root, this.#i18n, { me: this.#me, media: this.#media, api: this.#api });
    await precall.run();
    precall.close();
    if (Date.now() / 1000 >= this.#me.expires_at_s) {
      // The link expired during the check: the server authenticates a socket when it
      // connects, so the early one must not be used; a new one meets the refusal.
      signaling.close();
      return this.#enterCall();
    }
    await this.#enterCall(signaling);
  }

  /** `/review#token=JWT&recording=ID`: the token leaves the address bar as on the join page. */
  async #startReview() {
    this.#token = takeJoinToken(window.location, window.history, window.sessionStorage);
    if (!this.#token) return this.#error("missing-link");
    const recordingId = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("recording");
    this.#review = new ReviewPage(this.#root, this.#i18n, { api: this.#api, token: this.#token, recordingId });
    try {
      await this.#review.start();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === "token-expired" || error.code === "token-invalid") forgetJoinToken(window.sessionStorage);
      this.#error(error.code, error.message);
    }
  }

  async #enterCall(signaling = null) {
    const call = new Call({
      origin: window.location.origin,
      token: this.#token,
      me: this.#me,
      media: this.#media,
      signaling,
    });
    this.#call = call;
    this.#reconnector = new Reconnector(call);
    this.#view = new CallView(this.#root, this.#i18n, call, { onLeave: () => call.leave(), token: this.#token });
    call.on("phase", (phase, detail) => {
      if (["left", "replaced", "failed"].includes(phase)) this.#ended(call, phase, detail);
    });
    try {
      await call.start();
    } catch (error) {
      this.#teardown(call);
      call.close();
      this.#error(error.code ?? "internal-error", error.message);
    }
  }

  #teardown(call) {
    if (this.#call !== call) return;
    this.#reconnector?.close();
    this.#view?.close();
    this.#reconnector = null;
    this.#view = null;
  }

  #ended(call, phase, detail) {
    this.#teardown(call);
    // Remember the devices, then turn the camera light off.
    const devices = {
      cameraId: LocalMedia.deviceOf(this.#media.videoTrack),
      microphoneId: LocalMedia.deviceOf(this.#media.audioTrack),
    };
    const hadCamera = Boolean(this.#media.videoTrack);
    this.#media.close();
    const rejoin = async () => {
      await this.#media.open(hadCamera ? devices : { ...devices, cameraId: null });
      await this.#enterCall();
    };
    if (phase === "left") {
      leftPage(this.#root, this.#i18n, { onRejoin: rejoin });
    } else if (phase === "replaced") {
      errorPage(this.#root, this.#i18n, {
        code: "session-replaced",
        actions: [{ key: "page.replaced.action", testid: "rejoin-button", onClick: rejoin, primary: true }],
      });
    } else {
      const error = detail?.error;
      this.#error(error?.code ?? "internal-error", error?.message ?? "");
    }
  }

  #error(code, message = "") {
    const retryable = ["network-error", "timeout", "not-connected"].includes(code);
    errorPage(this.#root, this.#i18n, {
      code,
      message,
      actions: retryable ? [{ key: "page.retry", testid: "retry-button", onClick: () => window.location.reload(), primary: true }] : [],
    });
  }
}

// A new join link pasted into a tab already open on this page changes only the
// fragment, which does not load the page again: load it, so the new link is used.
window.addEventListener("hashchange", () => {
  if (new URLSearchParams(window.location.hash.replace(/^#/, "")).has("token")) window.location.reload();
});

const app = new App(document.getElementById("app"));
app.start().catch((error) => {
  console.error("[App] failed", error);
  errorPage(document.getElementById("app"), new I18n(window.localStorage), { code: "internal-error", message: String(error?.message ?? error) });
});
