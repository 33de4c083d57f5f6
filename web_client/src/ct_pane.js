/**
 * The shared CT pane of the call page: who presents and who follows, the presenter's
 * tools (scroll, window, zoom, pan, pointer, length and ROI measurements, planes,
 * window presets), the study upload, and the view itself (`CtViewport`).
 *
 * It owns the `SharedView` (what is shown and sent) and the `SeriesStore` (the HU of
 * each series, fetched once); the `Call` tells it every `viewer-state`.
 */

import { ctIcon } from "./ct_icons.js";
import { SeriesStore } from "./ct_series.js";
import { SharedView } from "./ct_sync.js";
import { clampIndex, middleIndex, PLANES, planeCount } from "./ct_volume.js";
import { CtViewport, MEASURE_TOOLS, TOOLS } from "./ct_viewport.js";
import { clampWindow, PRESETS } from "./ct_window.js";
import { h, replaceChildren } from "./dom.js";
import { icon } from "./icons.js";

const TOOL_ICONS = { scroll: "scroll", window: "contrast", zoom: "zoom", pan: "pan", pointer: "pointer", length: "ruler", rectangle: "rectangle", ellipse: "ellipse" };
/** Presenter-only tools: what they draw is shared with everyone. */
const SHARED_TOOLS = new Set(["pointer", ...MEASURE_TOOLS]);
const NOTICE_MS = 6000;
/** Server error codes of an upload that have their own explanation. */
const UPLOAD_ERRORS = new Set([
  "not-dicom",
  "truncated-dicom",
  "no-pixel-data",
  "not-ct",
  "mixed-series",
  "inconsistent-series",
  "unsupported-transfer-syntax",
  "empty-study",
  "unsafe-archive",
  "payload-too-large",
  "not-permitted",
  "token-expired",
  "network-error",
]);

export class CtPane {
  open = false;
  #i18n;
  #call;
  #store;
  #sync;
  #viewport;
  #onToggle;
  #offs = [];
  #shownSeries = new Set();
  #loading = null;
  #loadError = null;
  #uploading = false;
  #noticeTimer = 0;
  #ui = {};

  /**
   * @param call the `Call` (signaling, roster, `viewer` events)
   * @param token the join token (the series API takes it as a Bearer token)
   * @param onToggle called when the pane opens or closes
   */
  constructor(i18n, call, { token, origin = window.location.origin, onToggle = () => {} }) {
    this.#i18n = i18n;
    this.#call = call;
    this.#onToggle = onToggle;
    this.#store = new SeriesStore({ origin, consultationId: call.me.consultation_id, token });
    this.#sync = new SharedView({
      request: (event, payload) => call.signaling.request(event, payload),
      selfId: () => call.roster.selfId ?? call.me.participant_id,
    });
    this.#viewport = new CtViewport(i18n, { interactive: true });
    this.el = this.#build();
    this.el.hidden = true;
    this.#offs.push(
      call.on("viewer", (info, { reset }) => this.#sync.receive(info, { reset })),
      this.#sync.on("change", () => this.#render()),
      this.#sync.on("error", (error) => this.#onSyncError(error)),
      this.#sync.on("measured", () => this.#viewport.clearDraft()),
      this.#viewport.on("intent", (intent) => this.#onIntent(intent)),
      call.roster.on("participant", () => this.#renderPresence()),
      call.roster.on("left", () => this.#renderPresence()),
      i18n.on("change", () => this.#render()),
    );
    if (call.viewer) this.#sync.receive(call.viewer, { reset: true });
    this.#render();
  }

  toggle() {
    if (this.open) this.hide();
    else this.show();
  }

  show() {
    if (this.open) return;
    this.open = true;
    this.el.hidden = false;
    this.#onToggle(true);
  }

  hide() {
    if (!this.open) return;
    this.open = false;
    this.el.hidden = true;
    this.#onToggle(false);
  }

  /** For `window.mdt.ct()`: what the canvas shows now and how this client takes part. */
  snapshot() {
    const shown = this.#viewport.snapshot();
    const sync = this.#sync;
    const view = sync.view;
    return {
      series_uid: shown?.series_uid ?? null,
      plane: shown?.plane ?? null,
      index: shown?.index ?? null,
      window_center: shown?.window_center ?? null,
      window_width: shown?.window_width ?? null,
      checksum: shown?.checksum ?? null,
      screen_checksum: shown?.screen_checksum ?? null,
      loaded: Boolean(shown),
      open: this.open,
      mode: sync.mode,
      following: sync.mode !== "browsing",
      presenting: sync.presenting,
      presenter: sync.latest?.presenter ?? null,
      version: sync.latest?.version ?? null,
      zoom: view?.zoom ?? null,
      pan: view?.pan ?? null,
      pointer: view?.pointer ?? null,
      control_requests: sync.latest?.control_requests ?? [],
      measurements: (view?.measurements ?? []).map((m) => ({ ...m })),
    };
  }

  /** The grey level shown at plane pixel (column, row). */
  pixel(column, row) {
    return this.#viewport.pixel(column, row);
  }

  /** Where plane pixel (column, row) is on the page, for tests that point at it. */
  screenPoint(column, row) {
    return this.#viewport.screenPoint(column, row);
  }

  close() {
    for (const off of this.#offs) off();
    clearTimeout(this.#noticeTimer);
    this.#sync.close();
    this.#viewport.close();
  }

  // --- building -------------------------------------------------------------------

  #button(testid, key, { iconName = null, onClick, className = "ct-btn", iconOnly = false }) {
    const label = this.#i18n.text(h("span", { class: "ct-btn__label" }), key);
    const button = h(
      "button",
      { class: `${className}${iconOnly ? " ct-btn--icon" : ""}`, type: "button", "data-testid": testid, onclick: onClick },
      iconName ? ctIcon(iconName) : null,
      iconOnly ? null : label,
    );
    this.#i18n.attr(button, "title", key);
    if (iconOnly) this.#i18n.attr(button, "aria-label", key);
    return button;
  }

  #build() {
    const i18n = this.#i18n;
    const ui = this.#ui;
    ui.series = h("span", { class: "ct-pane__series", "data-testid": "ct-series" });
    ui.seriesPicker = h("select", { class: "ct-series-picker", "data-testid": "ct-series-picker", hidden: true, onchange: () => this.#pickSeries(ui.seriesPicker.value) });
    i18n.attr(ui.seriesPicker, "aria-label", "ct.pickSeries");
    i18n.attr(ui.seriesPicker, "title", "ct.pickSeries");
    ui.fileInput = h("input", {
      type: "file",
      class: "ct-pane__file",
      accept: ".dcm,.zip,application/dicom,application/zip",
      "data-testid": "ct-upload-input",
      onchange: () => {
        const file = ui.fileInput.files?.[0];
        ui.fileInput.value = "";
        if (file) this.#upload(file);
      },
    });
    ui.upload = this.#button("ct-upload-button", "ct.upload", { iconName: "upload", onClick: () => ui.fileInput.click(), className: "ct-btn ct-btn--ghost" });
    const close = h("button", { class: "ct-btn ct-btn--icon ct-btn--ghost", type: "button", "data-testid": "ct-close", onclick: () => this.hide() }, icon("close"));
    i18n.attr(close, "title", "ct.close");
    i18n.attr(close, "aria-label", "ct.close");
    const head = h(
      "header",
      { class: "ct-pane__head" },
      h("span", { class: "ct-pane__title" }, ctIcon("scan"), i18n.text(h("span"), "ct.title")),
      ui.series,
      ui.seriesPicker,
      h("span", { class: "ct-pane__spacer" }),
      ui.upload,
      ui.fileInput,
      close,
    );

    ui.presenceDot = h("span", { class: "ct-presence__dot" });
    ui.presenceText = h("span", { class: "ct-presence__text", "data-testid": "ct-status" });
    ui.browse = this.#button("ct-browse-alone", "ct.browseAlone", { iconName: "eye", onClick: () => this.#sync.browseAlone() });
    ui.follow = this.#button("ct-follow", "ct.follow", { iconName: "arrowLeft", onClick: () => this.#sync.follow(), className: "ct-btn ct-btn--primary" });
    ui.request = this.#button("ct-request-control", "ct.requestControl", { iconName: "hand", onClick: () => this.#sync.control("request") });
    ui.release = this.#button("ct-release-control", "ct.releaseControl", { iconName: "crown", onClick: () => this.#sync.control("release") });
    ui.requests = h("div", { class: "ct-requests", "data-testid": "ct-requests" });
    const presence = h(
      "div",
      { class: "ct-presence" },
      h("div", { class: "ct-presence__state" }, ui.presenceDot, ui.presenceText),
      h("div", { class: "ct-presence__actions" }, ui.browse, ui.follow, ui.request, ui.release),
    );

    ui.tools = new Map(
      TOOLS.map((tool) => [tool, this.#button(`ct-tool-${tool}`, `ct.tool.${tool}`, { iconName: TOOL_ICONS[tool], iconOnly: true, className: "ct-tool", onClick: () => this.#selectTool(tool) })]),
    );
    ui.planes = new Map(PLANES.map((plane) => [plane, this.#button(`ct-plane-${plane}`, `ct.plane.${plane}`, { className: "ct-seg", onClick: () => this.#setPlane(plane) })]));
    ui.reset = this.#button("ct-reset", "ct.reset", { iconName: "reset", iconOnly: true, className: "ct-tool", onClick: () => this.#change({ zoom: 1, pan: [0, 0] }) });
    const toolbar = h(
      "div",
      { class: "ct-toolbar", role: "toolbar" },
      h("div", { class: "ct-toolbar__group" }, [...ui.tools.values()].slice(0, 5)),
      h("span", { class: "ct-toolbar__divider" }),
      h("div", { class: "ct-toolbar__group" }, [...ui.tools.values()].slice(5)),
      h("span", { class: "ct-toolbar__divider" }),
      h("div", { class: "ct-segmented" }, [...ui.planes.values()]),
      h("span", { class: "ct-toolbar__divider" }),
      ui.reset,
    );

    ui.presets = h("div", { class: "ct-presets" });
    ui.width = h("input", { class: "ct-number", type: "number", min: 1, max: 10000, step: 1, "data-testid": "ct-window-width", onchange: () => this.#windowInput() });
    ui.center = h("input", { class: "ct-number", type: "number", min: -5000, max: 5000, step: 1, "data-testid": "ct-window-center", onchange: () => this.#windowInput() });
    i18n.attr(ui.width, "aria-label", "ct.windowWidth");
    i18n.attr(ui.center, "aria-label", "ct.windowCenter");
    const windows = h(
      "div",
      { class: "ct-windows" },
      ui.presets,
      h(
        "div",
        { class: "ct-windows__inputs" },
        h("label", { class: "ct-field" }, i18n.text(h("span"), "ct.windowWidthShort"), ui.width),
        h("label", { class: "ct-field" }, i18n.text(h("span"), "ct.windowCenterShort"), ui.center),
      ),
    );

    ui.slider = h("input", { class: "ct-slider", type: "range", min: 0, max: 0, step: 1, value: 0, "data-testid": "ct-slice-slider", oninput: () => this.#change({ index: Number(ui.slider.value) }) });
    i18n.attr(ui.slider, "aria-label", "ct.sliceSlider");
    ui.sliceLabel = h("span", { class: "ct-slicebar__label", "data-testid": "ct-slice-label" });
    ui.empty = h(
      "div",
      { class: "ct-empty", "data-testid": "ct-empty" },
      h("span", { class: "ct-empty__icon" }, ctIcon("scan")),
      i18n.text(h("h3", { class: "ct-empty__title" }), "ct.empty.title"),
      i18n.text(h("p", { class: "ct-empty__body" }), "ct.empty.body"),
      (ui.emptyUpload = this.#button("ct-empty-upload", "ct.upload", { iconName: "upload", className: "ct-btn ct-btn--primary", onClick: () => ui.fileInput.click() })),
    );
    ui.loadingText = h("span");
    ui.loadingBar = h("i", { class: "ct-progress__bar" });
    ui.loadingRetry = this.#button("ct-load-retry", "ct.retry", {
      className: "ct-btn",
      onClick: () => {
        this.#loading = null;
        this.#loadError = null;
        this.#render();
      },
    });
    ui.loading = h("div", { class: "ct-loading", "data-testid": "ct-loading" }, ui.loadingText, h("span", { class: "ct-progress" }, ui.loadingBar), ui.loadingRetry);
    const stage = h("div", { class: "ct-stage" }, this.#viewport.el, ui.empty, ui.loading);
    const slicebar = h("div", { class: "ct-slicebar" }, ui.slider, ui.sliceLabel);
    ui.measurements = h("ol", { class: "ct-measurements", "data-testid": "ct-measurements", hidden: true });

    ui.noticeText = h("span", { class: "ct-notice__text" });
    ui.noticeBar = h("i", { class: "ct-progress__bar" });
    ui.noticeProgress = h("span", { class: "ct-progress" }, ui.noticeBar);
    const dismiss = h("button", { class: "ct-notice__close", type: "button", onclick: () => (ui.notice.hidden = true) }, icon("close"));
    i18n.attr(dismiss, "aria-label", "ct.close");
    ui.notice = h("div", { class: "ct-notice", "data-testid": "ct-notice", role: "status", hidden: true }, ui.noticeText, ui.noticeProgress, dismiss);

    ui.controls = h("div", { class: "ct-pane__controls" }, toolbar, windows);
    return h(
      "section",
      { class: "ct-pane", "data-testid": "ct-pane", "data-mode": "following" },
      head,
      presence,
      ui.requests,
      ui.controls,
      h("div", { class: "ct-pane__view" }, stage, slicebar, ui.measurements),
      ui.notice,
    );
  }

  // --- rendering ------------------------------------------------------------------

  #render() {
    const view = this.#sync.view;
    const uid = view?.series_uid ?? null;
    if (uid && !this.#shownSeries.has(uid)) {
      // A newly shown series opens the pane, for a late joiner too.
      this.#shownSeries.add(uid);
      this.show();
    }
    const series = uid ? this.#store.get(uid) : null;
    if (uid && !series) this.#load(uid);
    // The pointer carries the presenter's name for the others; the presenter knows it is theirs.
    this.#viewport.show(series, view, { pointerLabel: this.#sync.presenting ? "" : this.#presenterName() });
    this.#renderPresence();
    this.#renderTools(series, view);
    this.#renderStage(uid, series);
  }

  #presenterName() {
    const presenter = this.#sync.latest?.presenter;
    if (!presenter) return "";
    if (presenter === this.#call.roster.selfId) return this.#i18n.t("ct.you");
    return this.#call.roster.participants.get(presenter)?.display_name ?? "";
  }

  #renderPresence() {
    const ui = this.#ui;
    const sync = this.#sync;
    const i18n = this.#i18n;
    const mode = sync.mode;
    const presenter = sync.latest?.presenter ?? null;
    const name = this.#presenterName();
    const observer = this.#call.me.role === "observer";
    this.el.dataset.mode = mode;
    if (mode === "presenting") i18n.text(ui.presenceText, "ct.status.presenting");
    else if (mode === "following") i18n.text(ui.presenceText, presenter ? "ct.status.following" : "ct.status.nobody", { name });
    else i18n.text(ui.presenceText, presenter ? "ct.status.browsing" : "ct.status.browsingNobody", { name });
    ui.presenceDot.dataset.mode = mode;
    ui.browse.hidden = mode !== "following" || !presenter;
    ui.follow.hidden = mode !== "browsing";
    ui.release.hidden = mode !== "presenting";
    ui.request.hidden = mode === "presenting" || observer;
    const coordinator = this.#call.me.role === "coordinator";
    const requestKey = !presenter ? "ct.takeControl" : coordinator ? "ct.takeOver" : sync.requested ? "ct.requested" : "ct.requestControl";
    i18n.text(ui.request.querySelector(".ct-btn__label"), requestKey);
    i18n.attr(ui.request, "title", requestKey);
    ui.request.disabled = sync.requested && !coordinator;
    // The presenter sees who asks for control and hands it over with one click.
    const requests = sync.presenting ? sync.latest.control_requests ?? [] : [];
    replaceChildren(
      ui.requests,
      requests.map((id) => {
        const who = this.#call.roster.participants.get(id)?.display_name ?? id;
        return h(
          "div",
          { class: "ct-request", "data-participant-id": id },
          ctIcon("hand"),
          i18n.text(h("span", { class: "ct-request__text" }), "ct.requestFrom", { name: who }),
          (() => {
            const button = h("button", { class: "ct-btn ct-btn--primary", type: "button", "data-testid": `ct-grant-${id}`, onclick: () => this.#sync.control("grant", id) });
            return i18n.text(button, "ct.handOver", { name: who });
          })(),
        );
      }),
    );
    ui.requests.hidden = requests.length === 0;
  }

  /** With two series or more, the presenter picks the one everyone sees. */
  #renderSeriesPicker(view) {
    const picker = this.#ui.seriesPicker;
    const all = this.#sync.latest?.series ?? [];
    picker.hidden = all.length < 2;
    picker.disabled = !this.#sync.presenting;
    const labels = all.map((uid, i) => this.#store.get(uid)?.meta.description || this.#i18n.t("ct.seriesN", { n: i + 1 }));
    const key = JSON.stringify([all, labels]);
    if (picker.dataset.key !== key) {
      picker.dataset.key = key;
      replaceChildren(picker, all.map((uid, i) => h("option", { value: uid }, labels[i])));
    }
    picker.value = view?.series_uid ?? "";
  }

  #renderTools(series, view) {
    const ui = this.#ui;
    const i18n = this.#i18n;
    const presenting = this.#sync.presenting;
    const ready = Boolean(series && view);
    this.#renderSeriesPicker(view);
    ui.upload.hidden = this.#call.me.role === "observer";
    ui.emptyUpload.hidden = this.#call.me.role === "observer";
    ui.upload.disabled = this.#uploading;
    ui.emptyUpload.disabled = this.#uploading;
    if (SHARED_TOOLS.has(this.#viewport.tool) && !presenting) this.#selectTool("scroll", false);
    for (const [tool, button] of ui.tools) {
      button.disabled = !ready || (SHARED_TOOLS.has(tool) && !presenting);
      button.setAttribute("aria-pressed", String(this.#viewport.tool === tool));
    }
    for (const [plane, button] of ui.planes) {
      button.disabled = !ready;
      button.setAttribute("aria-pressed", String(view?.plane === plane));
    }
    ui.reset.disabled = !ready;
    if (ready) {
      const meta = series.meta;
      const windows = meta.windows?.length ? meta.windows : PRESETS;
      const key = windows.map((w) => `${w.name}:${w.center}:${w.width}`).join(",") + i18n.lang;
      if (ui.presets.dataset.key !== key) {
        ui.presets.dataset.key = key;
        replaceChildren(
          ui.presets,
          windows.map((w) => {
            const label = this.#presetLabel(w.name);
            return h(
              "button",
              {
                class: "ct-chip",
                type: "button",
                "data-testid": `ct-preset-${w.name}`,
                "data-center": w.center,
                "data-width": w.width,
                title: `${label} · ${i18n.t("ct.windowReadout", { width: w.width, center: w.center })}`,
                onclick: () => this.#change({ window_center: w.center, window_width: w.width }),
              },
              label,
            );
          }),
        );
      }
      for (const chip of ui.presets.children) {
        chip.setAttribute("aria-pressed", String(Number(chip.dataset.center) === view.window_center && Number(chip.dataset.width) === view.window_width));
        chip.disabled = false;
      }
      if (document.activeElement !== ui.width) ui.width.value = String(Math.round(view.window_width));
      if (document.activeElement !== ui.center) ui.center.value = String(Math.round(view.window_center));
      const count = planeCount(meta.shape, view.plane);
      ui.slider.max = String(count - 1);
      ui.slider.value = String(view.index);
      i18n.text(ui.sliceLabel, "ct.slice", { n: view.index + 1, total: count });
      const [sliceMm, rowMm, columnMm] = meta.spacing_mm;
      i18n.text(ui.series, "ct.seriesInfo", {
        description: meta.description || meta.modality || "CT",
        slices: meta.shape[0],
        spacing: `${fmt(columnMm)}×${fmt(rowMm)}×${fmt(sliceMm)}`,
      });
    } else {
      for (const chip of ui.presets.children) chip.disabled = true;
      ui.sliceLabel.textContent = "";
      ui.series.textContent = "";
      delete ui.series.dataset.i18n;
    }
    ui.width.disabled = !ready;
    ui.center.disabled = !ready;
    ui.slider.disabled = !ready;
    this.#renderMeasurements(view);
  }

  /** The shared measurements as text (readable, and a record of what was measured); a
   * click shows the slice it was made on. */
  #renderMeasurements(view) {
    const ui = this.#ui;
    const i18n = this.#i18n;
    const measurements = view?.series_uid ? view.measurements ?? [] : [];
    ui.measurements.hidden = measurements.length === 0;
    replaceChildren(
      ui.measurements,
      measurements.map((m, i) => {
        const r = m.result ?? {};
        const value =
          m.kind === "length"
            ? i18n.t("ct.measure.length", { mm: (r.length_mm ?? 0).toFixed(1) })
            : `${i18n.t("ct.measure.mean", { mean: (r.mean_hu ?? 0).toFixed(1), sd: (r.sd_hu ?? 0).toFixed(1) })} · ${i18n.t("ct.measure.area", { area: (r.area_mm2 ?? 0).toFixed(1) })}`;
        const here = m.plane === view.plane && m.index === view.index;
        return h(
          "li",
          { class: "ct-measurement", "data-testid": "ct-measurement", "data-kind": m.kind, "data-here": String(here) },
          h(
            "button",
            { class: "ct-measurement__button", type: "button", onclick: () => this.#change({ plane: m.plane, index: m.index }) },
            h("span", { class: "ct-measurement__number" }, String(i + 1)),
            ctIcon(m.kind === "length" ? "ruler" : m.kind),
            h("span", { class: "ct-measurement__value" }, value),
            h("span", { class: "ct-measurement__where" }, `${i18n.t(`ct.plane.${m.plane}`)} ${m.index + 1}`),
          ),
        );
      }),
    );
  }

  #presetLabel(name) {
    const series = /^series-(\d+)$/.exec(name);
    if (series) return this.#i18n.t("ct.preset.series", { n: series[1] });
    const key = `ct.preset.${name}`;
    const text = this.#i18n.t(key);
    return text === key ? name : text;
  }

  #renderStage(uid, series) {
    const ui = this.#ui;
    ui.empty.hidden = Boolean(uid);
    ui.loading.hidden = !uid || Boolean(series);
    ui.loadingRetry.hidden = !this.#loadError;
    if (uid && !series) {
      if (this.#loadError) this.#i18n.text(ui.loadingText, "ct.loadFailed", { reason: this.#loadError });
      else this.#i18n.text(ui.loadingText, "ct.loading", { percent: Math.round((this.#loading?.fraction ?? 0) * 100) });
      ui.loadingBar.style.setProperty("width", `${Math.round((this.#loading?.fraction ?? 0) * 100)}%`);
    }
  }

  #load(uid) {
    // One load per series at a time; after a failure, only the retry button tries again.
    if (this.#loading?.uid === uid) return;
    const loading = { uid, fraction: 0 };
    this.#loading = loading;
    this.#loadError = null;
    this.#store
      .load(uid, (fraction) => {
        loading.fraction = fraction;
        if (this.#loading === loading) this.#renderStage(uid, null);
      })
      .then(
        () => {
          if (this.#loading === loading) this.#loading = null;
          this.#render();
        },
        (error) => {
          if (this.#loading !== loading) return;
          console.warn("[CtPane] loading the series failed", error);
          this.#loadError = this.#errorText(error.code, error.message);
          this.#renderStage(uid, null);
        },
      );
  }

  // --- the user's actions ---------------------------------------------------------

  #selectTool(tool, render = true) {
    this.#viewport.setTool(tool);
    if (tool !== "pointer" && this.#sync.presenting && this.#sync.view?.pointer) this.#sync.change({ pointer: null });
    if (render) this.#renderTools(this.#store.get(this.#sync.view?.series_uid), this.#sync.view);
  }

  /** Applies a change to the view (clamped to the series); the SharedView decides where it goes. */
  #change(fields) {
    const view = this.#sync.view;
    const series = view?.series_uid ? this.#store.get(view.series_uid) : null;
    if (!view || !series) return;
    const shape = series.meta.shape;
    const out = { ...fields };
    if ("index" in out) out.index = clampIndex(shape, out.plane ?? view.plane, out.index);
    if ("window_center" in out || "window_width" in out) {
      const w = clampWindow(out.window_center ?? view.window_center, out.window_width ?? view.window_width);
      out.window_center = w.center;
      out.window_width = w.width;
    }
    this.#sync.change(out);
  }

  #setPlane(plane) {
    const view = this.#sync.view;
    const series = view?.series_uid ? this.#store.get(view.series_uid) : null;
    if (!series || view.plane === plane) return;
    this.#change({ plane, index: middleIndex(series.meta.shape, plane), pointer: null });
  }

  #windowInput() {
    const width = Number(this.#ui.width.value);
    const center = Number(this.#ui.center.value);
    if (!Number.isFinite(width) || !Number.isFinite(center)) return;
    this.#change({ window_center: center, window_width: width });
  }

  #onIntent(intent) {
    const view = this.#sync.view;
    if (!view) return;
    if (intent.measure) {
      if (!this.#sync.measure(intent.measure.kind, intent.measure.points)) this.#viewport.clearDraft();
      return;
    }
    if ("pointer" in intent) {
      if (this.#sync.presenting) this.#sync.change({ pointer: intent.pointer });
      return;
    }
    const fields = {};
    if ("index" in intent) fields.index = intent.index;
    if ("indexDelta" in intent) fields.index = view.index + intent.indexDelta;
    if (intent.window) {
      fields.window_center = intent.window.center;
      fields.window_width = intent.window.width;
    }
    if ("zoom" in intent) fields.zoom = Math.round(intent.zoom * 1000) / 1000;
    if ("pan" in intent) fields.pan = intent.pan;
    this.#change(fields);
  }

  /** Shows another series to everyone (the presenter only): its middle axial slice. */
  #showSeries(meta) {
    if (!this.#sync.presenting || this.#sync.view?.series_uid === meta.series_uid) return;
    const window = meta.default_window ?? { center: 40, width: 400 };
    this.#sync.change({
      series_uid: meta.series_uid,
      plane: "axial",
      index: middleIndex(meta.shape, "axial"),
      window_center: window.center,
      window_width: window.width,
      zoom: 1,
      pan: [0, 0],
      pointer: null,
    });
  }

  async #pickSeries(uid) {
    try {
      this.#showSeries((await this.#store.load(uid)).meta);
    } catch (error) {
      this.#notice("ct.loadFailed", { reason: this.#errorText(error.code, error.message) }, { tone: "error" });
    }
    this.#render();
  }

  async #upload(file) {
    if (this.#uploading) return;
    this.#uploading = true;
    this.show();
    this.#renderTools(this.#store.get(this.#sync.view?.series_uid), this.#sync.view);
    this.#notice("ct.uploading", { name: file.name, percent: 0 }, { progress: 0 });
    try {
      const meta = await this.#store.upload(file, (fraction) => {
        if (fraction < 1) this.#notice("ct.uploading", { name: file.name, percent: Math.round(fraction * 100) }, { progress: fraction });
        else this.#notice("ct.processing", { name: file.name }, { progress: 1 });
      });
      this.#notice("ct.uploaded", { description: meta.description || meta.modality || "CT", slices: meta.shape[0] }, { tone: "ok", autoHide: true });
      // The one who brings the images usually presents them.
      if (!this.#sync.latest?.presenter) await this.#sync.control("request");
      this.#showSeries(meta);
    } catch (error) {
      this.#notice("ct.uploadFailed", { reason: this.#errorText(error.code, error.message) }, { tone: "error" });
    } finally {
      this.#uploading = false;
      this.#renderTools(this.#store.get(this.#sync.view?.series_uid), this.#sync.view);
    }
  }

  #errorText(code, message) {
    if (UPLOAD_ERRORS.has(code)) return this.#i18n.t(`ct.error.${code}`);
    return this.#i18n.t("ct.error.other", { code, message: message || code });
  }

  #onSyncError({ code, message, what }) {
    if (what === "measure" && code === "view-changed") this.#notice("ct.error.viewChanged", {}, { tone: "error", autoHide: true });
    else if (code === "lost-control") this.#notice("ct.error.lostControl", {}, { tone: "error", autoHide: true });
    else if (code === "not-connected" || code === "timeout") this.#notice("ct.error.offline", {}, { tone: "error", autoHide: true });
    else this.#notice("ct.error.refused", { reason: message || code }, { tone: "error", autoHide: true });
  }

  #notice(key, params, { tone = "info", progress = null, autoHide = false } = {}) {
    const ui = this.#ui;
    clearTimeout(this.#noticeTimer);
    this.#i18n.text(ui.noticeText, key, params);
    ui.notice.dataset.tone = tone;
    ui.notice.setAttribute("role", tone === "error" ? "alert" : "status");
    ui.noticeProgress.hidden = progress === null;
    if (progress !== null) ui.noticeBar.style.setProperty("width", `${Math.round(progress * 100)}%`);
    ui.notice.hidden = false;
    if (autoHide) this.#noticeTimer = setTimeout(() => (ui.notice.hidden = true), NOTICE_MS);
  }
}

function fmt(mm) {
  return String(Math.round(mm * 100) / 100);
}
