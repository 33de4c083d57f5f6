/**
 * The review page (`/review#token=JWT&recording=ID`): a sealed recording played back
 * as it happened. Every participant's tracks play on one clock, the CT pane shows what
 * the shared viewer showed at that second (series, plane, slice, window, pointer,
 * measurements), the chat runs alongside, and the seek bar marks joins, leaves, chat
 * and CT changes. Without a recording id it lists the consultation's recordings.
 *
 * Media files are streamed, not downloaded first: a `<video src>` cannot send the Bearer
 * token, so the page asks the server for a playback cookie that only this recording's
 * files receive, and the elements fetch the ranges they play and seek to.
 */

import { ApiError } from "./api.js";
import { avatar } from "./avatar.js";
import { ctIcon } from "./ct_icons.js";
import { SeriesStore } from "./ct_series.js";
import { CtViewport } from "./ct_viewport.js";
import { h, replaceChildren } from "./dom.js";
import { brand, languageToggle, pageHeader } from "./header.js";
import { errorPage, infoPage } from "./pages.js";
import { RATES, ReviewClock } from "./review_clock.js";
import { lastAt, readRecording, viewAt } from "./review_timeline.js";

function clock(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n) => String(n).padStart(2, "0");
  const hours = Math.floor(total / 3600);
  return `${hours ? `${hours}:` : ""}${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/** Resolves once `element` knows its duration; rejects if its source fails. */
function metadataOf(element) {
  return new Promise((resolve, reject) => {
    if (element.readyState >= HTMLMediaElement.HAVE_METADATA) return resolve();
    element.addEventListener("loadedmetadata", () => resolve(), { once: true });
    element.addEventListener("error", () => reject(element.error), { once: true });
  });
}

export class ReviewPage {
  #root;
  #i18n;
  #api;
  #origin;
  #token;
  #me = null;
  #recordingId;
  #recording = null;
  #clock = null;
  #viewport = null;
  #store = null;
  #shownView = null;
  #tiles = [];
  #chatItems = [];
  #seeking = false;
  #ctLoading = null;
  #ui = {};

  /**
   * @param api the `Api` (for `/api/me`)
   * @param token the token from the link's fragment
   * @param recordingId the recording to play, or null to list them
   */
  constructor(root, i18n, { api, token, origin = window.location.origin, recordingId = null }) {
    this.#root = root;
    this.#i18n = i18n;
    this.#api = api;
    this.#token = token;
    this.#origin = origin;
    this.#recordingId = recordingId;
  }

  /** Shows the list or the recording; throws `ApiError` for the page to show. */
  async start() {
    this.#me = await this.#api.me(this.#token);
    this.#store = new SeriesStore({ origin: this.#origin, consultationId: this.#me.consultation_id, token: this.#token });
    try {
      if (this.#recordingId) await this.#open(this.#recordingId);
      else await this.#list();
    } catch (error) {
      // Refusals with their own page: an observer (recordings are for the case's
      // clinicians), or a recording that does not exist (or is not sealed yet).
      const page = { "not-permitted": "denied", "recording-not-found": "missing" }[error?.code];
      if (!page) throw error;
      infoPage(this.#root, this.#i18n, { titleKey: `review.${page}.title`, bodyKey: `review.${page}.body`, iconName: page === "denied" ? "alert" : "link" });
    }
  }

  /** For `window.mdt.review()`: the clock and what the CT shows at it. */
  snapshot() {
    const recording = this.#recording;
    if (!recording || !this.#clock) return { recording_id: null, currentMs: null, ct: null, media: [] };
    const currentMs = this.#clock.currentMs;
    const shown = this.#viewport?.snapshot() ?? null;
    const view = viewAt(recording, currentMs);
    return {
      recording_id: this.#recordingId,
      currentMs,
      atMs: recording.startMs + currentMs,
      durationMs: recording.durationMs,
      playing: this.#clock.playing,
      ct: {
        series_uid: shown?.series_uid ?? null,
        plane: shown?.plane ?? null,
        index: shown?.index ?? null,
        window_center: shown?.window_center ?? null,
        window_width: shown?.window_width ?? null,
        checksum: shown?.checksum ?? null,
        loaded: Boolean(shown),
      },
      timeline_view: view ? { series_uid: view.series_uid, plane: view.plane, index: view.index, window_center: view.window_center, window_width: view.window_width } : null,
      chat_shown: this.#chatItems.filter((item) => item.el.dataset.past === "true").length,
      media: this.#tiles.flatMap((tile) =>
        tile.elements.map(({ element, track }) => ({
          name: track.name,
          kind: track.kind,
          participant_id: track.participant_id,
          currentTime: element.currentTime,
          expected_s: (currentMs - track.offsetMs) / 1000,
          paused: element.paused,
          active: element.dataset.active === "true",
          readyState: element.readyState,
          loaded: Boolean(element.src),
        })),
      ),
    };
  }

  close() {
    this.#clock?.close();
    this.#viewport?.close();
    // Stop the streams: an element keeps fetching while it has a source.
    for (const { element } of this.#tiles.flatMap((tile) => tile.elements)) {
      element.removeAttribute("src");
      element.load();
    }
  }

  // --- the server ---------------------------------------------------------------------

  #url(path) {
    return new URL(`/api/consultations/${encodeURIComponent(this.#me.consultation_id)}/recordings${path}`, this.#origin);
  }

  async #getJson(path) {
    let response;
    try {
      response = await fetch(this.#url(path), { headers: { Authorization: `Bearer ${this.#token}` }, cache: "no-store" });
    } catch (error) {
      throw new ApiError("network-error", String(error?.message ?? error), 0);
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(body?.error?.code ?? `http-${response.status}`, body?.error?.message ?? response.statusText, response.status);
    return body;
  }

  /** Lets this page's media elements stream the recording (an HttpOnly cookie). */
  async #openPlayback() {
    let response;
    try {
      response = await fetch(this.#url(`/${encodeURIComponent(this.#recordingId)}/playback`), {
        method: "POST",
        headers: { Authorization: `Bearer ${this.#token}` },
        cache: "no-store",
      });
    } catch (error) {
      throw new ApiError("network-error", String(error?.message ?? error), 0);
    }
    if (!response.ok) throw new ApiError(`http-${response.status}`, response.statusText, response.status);
  }

  #mediaUrl(name) {
    return this.#url(`/${encodeURIComponent(this.#recordingId)}/files/${encodeURIComponent(name)}`).href;
  }

  // --- the list -------------------------------------------------------------------------

  async #list() {
    const { recordings } = await this.#getJson("");
    const i18n = this.#i18n;
    const rows = [...recordings]
      .sort((a, b) => b.started_at_ms - a.started_at_ms)
      .map((manifest) => {
        const people = new Set(manifest.files.map((f) => f.participant_id)).size;
        const open = h("button", { class: "btn btn--primary", type: "button", "data-testid": "review-open", "data-recording-id": manifest.recording_id, onclick: () => this.#choose(manifest.recording_id) }, ctIcon("play"));
        open.append(i18n.text(h("span"), "review.open"));
        return h(
          "li",
          { class: "review-list__item", "data-testid": "review-recording", "data-recording-id": manifest.recording_id },
          h("span", { class: "review-list__icon" }, ctIcon("film")),
          h(
            "div",
            { class: "review-list__main" },
            h("strong", { class: "review-list__when" }, i18n.dateTime(manifest.started_at_ms)),
            i18n.text(h("span", { class: "review-list__meta" }), "review.listMeta", {
              duration: clock(manifest.ended_at_ms - manifest.started_at_ms),
              people,
              files: manifest.files.length,
            }),
          ),
          i18n.text(h("span", { class: "review-list__status", "data-status": manifest.status }), `review.status.${manifest.status === "complete" ? "complete" : "interrupted"}`),
          open,
        );
      });
    const card = h(
      "section",
      { class: "review-list", "data-testid": "review-list" },
      h("div", { class: "review-list__head" }, i18n.text(h("h1", { class: "review-list__title" }), "review.title"), h("span", { class: "review-list__id" }, this.#me.consultation_id)),
      rows.length ? h("ol", { class: "review-list__items" }, rows) : i18n.text(h("p", { class: "review-list__empty", "data-testid": "review-empty" }), "review.none"),
    );
    replaceChildren(this.#root, h("div", { class: "page-screen" }, pageHeader(i18n), h("div", { class: "page-screen__body review-list__body" }, card)));
  }

  async #choose(recordingId) {
    window.history.replaceState(window.history.state, "", `${window.location.pathname}#recording=${encodeURIComponent(recordingId)}`);
    this.#recordingId = recordingId;
    try {
      await this.#open(recordingId);
    } catch (error) {
      console.error("[ReviewPage] opening the recording failed", error);
      errorPage(this.#root, this.#i18n, { code: error.code ?? "internal-error", message: error.message });
    }
  }

  // --- one recording --------------------------------------------------------------------

  async #open(recordingId) {
    const [manifest, timeline] = await Promise.all([this.#getJson(`/${encodeURIComponent(recordingId)}/manifest`), this.#getJson(`/${encodeURIComponent(recordingId)}/timeline`)]);
    const recording = readRecording(manifest, timeline.entries);
    this.#recording = recording;
    this.#clock = new ReviewClock(recording.durationMs);
    this.#viewport = new CtViewport(this.#i18n, { interactive: false, testid: "review-ct-canvas" });
    this.#build(manifest, recording);
    this.#clock.on("time", (ms) => this.#onTime(ms));
    this.#clock.on("state", (playing) => this.#renderPlay(playing));
    this.#i18n.on("change", () => this.#onTime(this.#clock.currentMs));
    this.#onTime(0);
    this.#loadMedia();
  }

  #name(participantId) {
    return this.#recording.people.get(participantId)?.display_name ?? participantId;
  }

  #build(manifest, recording) {
    const i18n = this.#i18n;
    const ui = this.#ui;
    // One tile per participant's camera or screen; their microphone plays with it.
    const byKey = new Map();
    for (const track of recording.tracks) {
      const source = track.kind === "audio" ? (track.source === "screen-audio" ? "screen" : "camera") : track.source;
      const key = `${track.participant_id}:${source}`;
      if (!byKey.has(key)) byKey.set(key, { participant_id: track.participant_id, source, tracks: [] });
      byKey.get(key).tracks.push(track);
    }
    this.#tiles = [...byKey.values()].map((group) => this.#tile(group));

    ui.media = h("section", { class: "review__media", "data-testid": "review-media", "data-count": String(this.#tiles.length) }, this.#tiles.map((t) => t.el));
    ui.ctTitle = h("span", { class: "review-ct__presenter", "data-testid": "review-ct-presenter" });
    ui.ctEmpty = i18n.text(h("div", { class: "review-ct__empty", "data-testid": "review-ct-empty" }), "review.noCt");
    ui.ctLoading = i18n.text(h("div", { class: "review-ct__empty" }), "review.ctLoading");
    ui.ct = h(
      "section",
      { class: "review-ct", "data-testid": "review-ct" },
      h("header", { class: "review-ct__head" }, h("span", { class: "ct-pane__title" }, ctIcon("scan"), i18n.text(h("span"), "review.ctTitle")), ui.ctTitle),
      h("div", { class: "review-ct__stage" }, this.#viewport.el, ui.ctEmpty, ui.ctLoading),
    );
    ui.chatList = h("ol", { class: "review-chat__list", "data-testid": "review-chat" });
    this.#chatItems = recording.chat.map(({ atMs, message }) => {
      const el = h(
        "li",
        { class: "review-chat__item", "data-testid": "review-chat-message", "data-past": "false", onclick: () => this.#clock.seek(atMs) },
        avatar(message, "sm"),
        h(
          "div",
          { class: "review-chat__bubble" },
          h("div", { class: "review-chat__meta" }, h("span", { class: "review-chat__author" }, message.display_name), h("span", { class: "review-chat__role" }, i18n.role(message.role)), h("time", { class: "review-chat__time" }, clock(atMs))),
          h("p", { class: "review-chat__text" }, message.text),
        ),
      );
      return { atMs, el };
    });
    ui.chat = h(
      "aside",
      { class: "review-chat" },
      h("header", { class: "review-chat__head" }, i18n.text(h("span"), "review.chat"), h("span", { class: "side__count" }, String(recording.chat.length))),
      this.#chatItems.length ? ui.chatList : i18n.text(h("p", { class: "review-chat__empty" }), "review.noChat"),
    );
    replaceChildren(ui.chatList, this.#chatItems.map((item) => item.el));

    ui.play = h("button", { class: "review-play", type: "button", "data-testid": "review-play", "aria-pressed": "false", onclick: () => (this.#clock.playing ? this.#clock.pause() : this.#clock.play()) });
    ui.time = h("span", { class: "review-time", "data-testid": "review-time" });
    ui.seek = h("input", {
      class: "review-seek__input",
      type: "range",
      min: 0,
      max: Math.max(1, Math.round(recording.durationMs)),
      step: 1,
      value: 0,
      "data-testid": "review-seek",
      oninput: () => this.#clock.seek(Number(ui.seek.value)),
      onpointerdown: () => (this.#seeking = true),
      onpointerup: () => (this.#seeking = false),
    });
    i18n.attr(ui.seek, "aria-label", "review.seek");
    const markers = h(
      "div",
      { class: "review-seek__markers", "aria-hidden": "true" },
      recording.markers.map((marker) => {
        const el = h("i", { class: "review-marker", "data-kind": marker.kind, title: this.#markerTitle(marker) });
        el.style.setProperty("left", `${(100 * marker.atMs) / Math.max(1, recording.durationMs)}%`);
        return el;
      }),
    );
    ui.progress = h("i", { class: "review-seek__progress" });
    ui.rate = h(
      "select",
      { class: "review-rate", "data-testid": "review-rate", onchange: () => this.#clock.setRate(Number(ui.rate.value)) },
      RATES.map((rate) => h("option", { value: String(rate), selected: rate === 1 }, `${rate}×`)),
    );
    i18n.attr(ui.rate, "aria-label", "review.rate");
    const legend = h(
      "div",
      { class: "review-legend" },
      ["join", "leave", "ct", "chat"].map((kind) => h("span", { class: "review-legend__item" }, h("i", { class: "review-marker review-marker--legend", "data-kind": kind }), i18n.text(h("span"), `review.marker.${kind}`))),
    );
    const transport = h(
      "footer",
      { class: "review-transport" },
      ui.play,
      ui.time,
      h("div", { class: "review-seek" }, h("div", { class: "review-seek__track" }, ui.progress), markers, ui.seek),
      ui.rate,
      legend,
    );

    const people = new Set(manifest.files.map((f) => f.participant_id)).size;
    const back = h("button", { class: "lang-toggle lang-toggle--compact", type: "button", "data-testid": "review-back", onclick: () => this.#backToList() }, ctIcon("arrowLeft"));
    back.append(i18n.text(h("span", { class: "lang-toggle__label" }), "review.back"));
    const header = h(
      "header",
      { class: "topbar" },
      brand(i18n),
      h(
        "div",
        { class: "topbar__consultation" },
        i18n.text(h("span", { class: "topbar__title" }), "review.title"),
        h("span", { class: "topbar__subtitle" }, `${this.#me.consultation_id} · ${i18n.dateTime(manifest.started_at_ms)}`),
      ),
      h(
        "div",
        { class: "topbar__status" },
        i18n.text(h("span", { class: "review-badge", "data-status": manifest.status }), `review.status.${manifest.status === "complete" ? "complete" : "interrupted"}`),
        i18n.text(h("span"), "review.headerMeta", { people, duration: clock(recording.durationMs) }),
      ),
      back,
      languageToggle(i18n, "lang-toggle--compact"),
    );
    this.el = h(
      "div",
      { class: "review", "data-testid": "review-page" },
      header,
      h("div", { class: "review__body" }, ui.media, ui.ct, ui.chat),
      transport,
    );
    replaceChildren(this.#root, this.el);
    this.#renderPlay(false);
  }

  #tile(group) {
    const i18n = this.#i18n;
    const person = this.#recording.people.get(group.participant_id) ?? { participant_id: group.participant_id, display_name: group.participant_id, role: "" };
    const status = h("span", { class: "tile__status" });
    const elements = [];
    const video = group.tracks.find((t) => t.kind === "video");
    let videoElement = null;
    if (video) {
      videoElement = h("video", { class: "tile__video", playsInline: true, muted: true, preload: "auto", "data-testid": "review-video", "data-file": video.name });
      elements.push({ element: videoElement, track: video });
    }
    for (const audio of group.tracks.filter((t) => t.kind === "audio")) {
      elements.push({ element: h("audio", { preload: "auto", "data-testid": "review-audio", "data-file": audio.name }), track: audio });
    }
    const name = group.source === "screen" ? i18n.t("tile.screen", { name: person.display_name }) : person.display_name;
    const el = h(
      "div",
      { class: `tile review-tile${group.source === "screen" ? " tile--screen" : ""}`, "data-testid": "review-tile", "data-participant-id": group.participant_id, "data-video": "off" },
      videoElement,
      h("div", { class: "tile__placeholder" }, h("span", { class: "tile__avatar" }, avatar(person, "lg")), status),
      h(
        "div",
        { class: "tile__label" },
        h("span", { class: "tile__who" }, h("span", { class: "tile__name" }, name), h("span", { class: "tile__meta" }, person.role ? i18n.role(person.role) : "", person.institution ? ` · ${person.institution}` : "")),
      ),
      elements.filter((e) => e.track.kind === "audio").map((e) => e.element),
    );
    const tile = { el, status, elements, video: videoElement, loaded: 0 };
    i18n.text(status, "review.mediaLoading");
    return tile;
  }

  async #loadMedia() {
    try {
      await this.#openPlayback();
    } catch (error) {
      console.warn("[ReviewPage] the recording cannot be streamed", error);
      for (const tile of this.#tiles) this.#failTile(tile);
      return;
    }
    await Promise.all(
      this.#tiles.map(async (tile) => {
        for (const { element, track } of tile.elements) {
          element.preload = "auto";
          this.#clock.add(element, track.offsetMs);
          element.src = this.#mediaUrl(track.name);
          try {
            await metadataOf(element);
          } catch {
            console.warn("[ReviewPage] a media file did not load", track.name);
            this.#failTile(tile);
          }
        }
        tile.ready = !tile.failed;
        this.#renderTile(tile);
      }),
    );
  }

  #failTile(tile) {
    this.#i18n.text(tile.status, "review.mediaFailed");
    tile.failed = true;
  }

  #renderTile(tile) {
    const active = tile.video && tile.video.dataset.active === "true" && tile.ready;
    tile.el.dataset.video = active ? "on" : "off";
    if (!tile.ready) return;
    const anyActive = tile.elements.some(({ element }) => element.dataset.active === "true");
    const track = tile.elements[0]?.track;
    if (anyActive && !tile.video) this.#i18n.text(tile.status, "review.audioOnly");
    else if (!anyActive && track) this.#i18n.text(tile.status, this.#clock.currentMs < track.offsetMs ? "review.notYet" : "review.gone");
    else tile.status.textContent = "";
  }

  #markerTitle(marker) {
    const at = clock(marker.atMs);
    if (marker.kind === "ct") return `${at} · ${this.#i18n.t("review.marker.ctDetail", { n: (marker.index ?? 0) + 1, plane: this.#i18n.t(`ct.plane.${marker.plane ?? "axial"}`) })}`;
    return `${at} · ${this.#i18n.t(`review.marker.${marker.kind}`)} · ${this.#name(marker.participant_id)}`;
  }

  #renderPlay(playing) {
    const ui = this.#ui;
    replaceChildren(ui.play, ctIcon(playing ? "pause" : "play"));
    ui.play.setAttribute("aria-pressed", String(playing));
    this.#i18n.attr(ui.play, "aria-label", playing ? "review.pause" : "review.play");
    this.#i18n.attr(ui.play, "title", playing ? "review.pause" : "review.play");
  }

  #onTime(ms) {
    const recording = this.#recording;
    const ui = this.#ui;
    if (!this.#seeking) ui.seek.value = String(Math.round(ms));
    ui.progress.style.setProperty("width", `${(100 * ms) / Math.max(1, recording.durationMs)}%`);
    ui.time.textContent = `${clock(ms)} / ${clock(recording.durationMs)}`;
    for (const tile of this.#tiles) this.#renderTile(tile);
    // The chat up to now: said messages stand out, the last one most.
    const current = lastAt(this.#chatItems, ms);
    for (const item of this.#chatItems) {
      item.el.dataset.past = String(item.atMs <= ms);
      item.el.dataset.current = String(item === current);
    }
    this.#showCt(viewAt(recording, ms));
  }

  #showCt(view) {
    const ui = this.#ui;
    const uid = view?.series_uid ?? null;
    const series = uid ? this.#store.get(uid) : null;
    ui.ctEmpty.hidden = Boolean(uid);
    ui.ctLoading.hidden = !uid || Boolean(series);
    if (uid && !series && this.#ctLoading !== uid) {
      this.#ctLoading = uid;
      this.#store.load(uid).then(
        () => this.#showCt(viewAt(this.#recording, this.#clock.currentMs)),
        (error) => {
          console.warn("[ReviewPage] the series did not load", error);
          this.#i18n.text(ui.ctLoading, "review.ctFailed", { reason: error.message });
        },
      );
    }
    const presenter = view?.presenter ? this.#name(view.presenter) : "";
    if (presenter) this.#i18n.text(ui.ctTitle, "review.presenter", { name: presenter });
    else ui.ctTitle.textContent = "";
    if (view === this.#shownView && this.#viewport.snapshot()) return;
    this.#shownView = view;
    this.#viewport.show(series, view, { pointerLabel: presenter });
  }

  #backToList() {
    this.close();
    this.#recording = null;
    this.#clock = null;
    this.#recordingId = null;
    window.history.replaceState(window.history.state, "", window.location.pathname);
    this.#list().catch((error) => console.error("[ReviewPage] listing failed", error));
  }
}
