/**
 * One CT view on a canvas: the plane at its window, in its true millimetre aspect,
 * zoomed and panned, with the measurements, the presenter's pointer, orientation
 * letters, a scale bar and the slice/window read-out drawn over it.
 *
 * It shows what it is given (`show(series, view)`) and turns gestures into intents
 * (event `intent`: `{index}`, `{indexDelta}`, `{window: {center, width}}`, `{zoom}`,
 * `{pan}`, `{pointer}`, `{measure: {kind, points}}`); whoever owns it decides what an
 * intent changes. Coordinates on a plane are (column, row) with pixel centres at
 * whole numbers, as the server measures them (`imaging/measurement.py`).
 *
 * `pan` is the image's shift from centred in plane pixels, so every screen size shows
 * the same part of the image; `zoom` 1 fits the whole plane.
 */

import { h } from "./dom.js";
import { Emitter } from "./emitter.js";
import { extractPlane, oppositeLabel, orientationLabel, planeAxes, planeCount } from "./ct_volume.js";
import { applyLut, draggedWindow, voiLut } from "./ct_window.js";

/** Share of the canvas a plane fills at zoom 1. */
const FIT = 0.94;
/** Vertical drag per slice with the scroll tool, CSS px. */
const SCROLL_DRAG_PX = 6;
/** One wheel notch in Chromium and Firefox (deltaMode pixels). */
const WHEEL_NOTCH_PX = 100;
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 20;
/** A drag shorter than this (device px) is a click, not a measurement. */
const MIN_MEASURE_PX = 4;

export const TOOLS = Object.freeze(["scroll", "window", "zoom", "pan", "pointer", "length", "rectangle", "ellipse"]);
export const MEASURE_TOOLS = new Set(["length", "rectangle", "ellipse"]);

const COLORS = {
  measurement: "#ffd24d",
  draft: "#ffe699",
  pointer: "#43d9ff",
  text: "#e9eff5",
  dim: "#a7b6c6",
  orientation: "#f0c36d",
};

export function clampZoom(zoom) {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** FNV-1a (32-bit) over the grey level of every pixel: equal images, equal checksums. */
function checksumOf(rgba) {
  let hash = 0x811c9dc5;
  for (let p = 0; p < rgba.length; p += 1) {
    hash ^= rgba[p] & 0xff;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

export class CtViewport extends Emitter {
  tool = "scroll";
  #i18n;
  #interactive;
  #canvas;
  #ctx;
  #resize;
  #series = null;
  #view = null;
  #pointerLabel = "";
  #plane = null;
  #planeKey = "";
  #lut = null;
  #lutKey = "";
  #image;
  #imageData = null;
  #shown = null;
  #draft = null;
  #gesture = null;
  #wheel = 0;
  #frame = 0;

  /** @param interactive whether gestures become intents (false: a read-only replay) */
  constructor(i18n, { interactive = true, testid = "ct-canvas" } = {}) {
    super();
    this.#i18n = i18n;
    this.#interactive = interactive;
    this.#canvas = h("canvas", { class: "ct-viewport__canvas", "data-testid": testid, tabIndex: interactive ? 0 : -1 });
    i18n.attr(this.#canvas, "aria-label", "ct.canvasLabel");
    this.#ctx = this.#canvas.getContext("2d");
    this.#image = document.createElement("canvas");
    this.el = h("div", { class: "ct-viewport", "data-tool": this.tool }, this.#canvas);
    this.#resize = new ResizeObserver(() => this.#fit());
    this.#resize.observe(this.el);
    if (interactive) this.#listen();
    i18n.on("change", () => this.#schedule());
  }

  get canvas() {
    return this.#canvas;
  }

  setTool(tool) {
    this.tool = tool;
    this.el.dataset.tool = tool;
    this.#draft = null;
    this.#schedule();
  }

  /**
   * Shows `view` (a ViewerInfo-like object) of `series` (`{meta, hu}`, or null while it
   * loads). The plane image is made at once; the screen is drawn on the next frame.
   */
  show(series, view, { pointerLabel = "" } = {}) {
    this.#series = series;
    this.#view = view;
    this.#pointerLabel = pointerLabel;
    if (!series || !view || series.meta.series_uid !== view.series_uid) {
      this.#plane = null;
      this.#planeKey = "";
      this.#shown = null;
    } else {
      this.#makeImage();
    }
    this.#schedule();
  }

  /** The measurement being drawn is done (its result arrived, or it was refused). */
  clearDraft() {
    this.#draft = null;
    this.#schedule();
  }

  /** What the canvas shows now; null before a plane is drawn. */
  snapshot() {
    if (!this.#shown) return null;
    return { ...this.#shown, screen_checksum: this.#screenChecksum() };
  }

  /** The grey level (0–255) shown for plane pixel (column, row), or null. */
  pixel(column, row) {
    const plane = this.#plane;
    if (!plane || !this.#imageData) return null;
    if (column < 0 || row < 0 || column >= plane.columns || row >= plane.rows) return null;
    return this.#imageData.data[(row * plane.columns + column) * 4];
  }

  /** Where plane pixel (column, row) is on the page (client CSS px), or null. */
  screenPoint(column, row) {
    const g = this.#geometry();
    if (!g) return null;
    const rect = this.#canvas.getBoundingClientRect();
    const ratio = this.#canvas.width / Math.max(1, rect.width);
    const [x, y] = this.#toScreen(g, [column, row]);
    return { x: rect.left + x / ratio, y: rect.top + y / ratio };
  }

  close() {
    cancelAnimationFrame(this.#frame);
    this.#resize.disconnect();
    this.removeAllListeners();
  }

  // --- the image ------------------------------------------------------------------

  #makeImage() {
    const { meta, hu } = this.#series;
    const view = this.#view;
    const index = Math.min(Math.max(0, view.index), planeCount(meta.shape, view.plane) - 1);
    const planeKey = `${meta.series_uid}|${view.plane}|${index}`;
    if (planeKey !== this.#planeKey) {
      this.#plane = { ...extractPlane(hu, meta.shape, meta.spacing_mm, view.plane, index), plane: view.plane, index };
      this.#planeKey = planeKey;
      this.#lutKey = ""; // a new plane needs its pixels redrawn
    }
    const lutKey = `${planeKey}|${view.window_center}|${view.window_width}`;
    if (lutKey === this.#lutKey) return;
    this.#lutKey = lutKey;
    const plane = this.#plane;
    if (!this.#lut || this.#lut.key !== `${view.window_center}|${view.window_width}`) {
      this.#lut = { key: `${view.window_center}|${view.window_width}`, table: voiLut(view.window_center, view.window_width) };
    }
    if (this.#image.width !== plane.columns || this.#image.height !== plane.rows) {
      this.#image.width = plane.columns;
      this.#image.height = plane.rows;
    }
    const context = this.#image.getContext("2d");
    const imageData = context.createImageData(plane.columns, plane.rows);
    const rgba = new Uint32Array(imageData.data.buffer);
    applyLut(plane.hu, this.#lut.table, rgba);
    context.putImageData(imageData, 0, 0);
    this.#imageData = imageData;
    this.#shown = {
      series_uid: meta.series_uid,
      plane: view.plane,
      index,
      window_center: view.window_center,
      window_width: view.window_width,
      rows: plane.rows,
      columns: plane.columns,
      checksum: checksumOf(rgba),
    };
  }

  #screenChecksum() {
    const { width, height } = this.#canvas;
    if (!width || !height) return null;
    return checksumOf(new Uint32Array(this.#ctx.getImageData(0, 0, width, height).data.buffer));
  }

  // --- drawing --------------------------------------------------------------------

  #fit() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.el.clientWidth * ratio));
    const height = Math.max(1, Math.round(this.el.clientHeight * ratio));
    if (this.#canvas.width !== width || this.#canvas.height !== height) {
      this.#canvas.width = width;
      this.#canvas.height = height;
    }
    this.#draw();
  }

  #schedule() {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  /** Where the plane lies on the canvas: origin and pixel size, in device pixels. */
  #geometry() {
    const plane = this.#plane;
    const view = this.#view;
    if (!plane || !view) return null;
    const { width, height } = this.#canvas;
    const widthMm = plane.columns * plane.columnMm;
    const heightMm = plane.rows * plane.rowMm;
    const pxPerMm = Math.min(width / widthMm, height / heightMm) * FIT * (view.zoom || 1);
    const sx = pxPerMm * plane.columnMm;
    const sy = pxPerMm * plane.rowMm;
    const [panX, panY] = view.pan ?? [0, 0];
    return {
      pxPerMm,
      sx,
      sy,
      ox: width / 2 - (plane.columns * sx) / 2 + panX * sx,
      oy: height / 2 - (plane.rows * sy) / 2 + panY * sy,
    };
  }

  #toScreen(g, [column, row]) {
    return [g.ox + (column + 0.5) * g.sx, g.oy + (row + 0.5) * g.sy];
  }

  /** Plane (column, row) under a pointer event; clamped into the plane if `clamp`. */
  #toPlane(event, clamp = true) {
    const g = this.#geometry();
    if (!g) return null;
    const ratio = this.#canvas.width / Math.max(1, this.#canvas.clientWidth);
    const rect = this.#canvas.getBoundingClientRect();
    const x = (event.clientX - rect.left) * ratio;
    const y = (event.clientY - rect.top) * ratio;
    let column = (x - g.ox) / g.sx - 0.5;
    let row = (y - g.oy) / g.sy - 0.5;
    const plane = this.#plane;
    const inside = column >= 0 && row >= 0 && column <= plane.columns - 1 && row <= plane.rows - 1;
    if (!clamp && !inside) return null;
    column = Math.min(plane.columns - 1, Math.max(0, column));
    row = Math.min(plane.rows - 1, Math.max(0, row));
    return [Math.round(column * 100) / 100, Math.round(row * 100) / 100];
  }

  #draw() {
    const ctx = this.#ctx;
    const { width, height } = this.#canvas;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, width, height);
    const g = this.#geometry();
    if (!g) return;
    const plane = this.#plane;
    const view = this.#view;
    ctx.imageSmoothingEnabled = g.sx > 1.2 || g.sy > 1.2;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(this.#image, g.ox, g.oy, plane.columns * g.sx, plane.rows * g.sy);
    const ratio = window.devicePixelRatio || 1;
    for (const measurement of view.measurements ?? []) {
      if (measurement.plane === plane.plane && measurement.index === plane.index) {
        this.#drawMeasurement(g, measurement, COLORS.measurement, ratio, false);
      }
    }
    if (this.#draft) this.#drawMeasurement(g, this.#draft, COLORS.draft, ratio, true);
    if (view.pointer) this.#drawPointer(g, view.pointer, ratio);
    this.#drawOrientation(ratio);
    this.#drawReadout(g, ratio);
  }

  #font(ratio, size, weight = 500) {
    return `${weight} ${Math.round(size * ratio)}px system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif`;
  }

  #text(text, x, y, { ratio, size = 12, color = COLORS.text, align = "left", baseline = "top", weight = 500 }) {
    const ctx = this.#ctx;
    ctx.font = this.#font(ratio, size, weight);
    ctx.textAlign = align;
    ctx.textBaseline = baseline;
    ctx.lineWidth = 3 * ratio;
    ctx.strokeStyle = "rgba(0, 0, 0, 0.75)";
    ctx.lineJoin = "round";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  }

  #label(lines, x, y, ratio, color) {
    const ctx = this.#ctx;
    ctx.font = this.#font(ratio, 12, 600);
    const pad = 5 * ratio;
    const lineHeight = 16 * ratio;
    const width = Math.max(...lines.map((line) => ctx.measureText(line).width)) + pad * 2;
    const height = lines.length * lineHeight + pad * 2 - 2 * ratio;
    const left = Math.min(Math.max(4 * ratio, x), this.#canvas.width - width - 4 * ratio);
    const top = Math.min(Math.max(4 * ratio, y), this.#canvas.height - height - 4 * ratio);
    ctx.fillStyle = "rgba(8, 14, 22, 0.82)";
    ctx.strokeStyle = color;
    ctx.lineWidth = 1 * ratio;
    ctx.beginPath();
    ctx.roundRect(left, top, width, height, 4 * ratio);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    lines.forEach((line, i) => ctx.fillText(line, left + pad, top + pad + i * lineHeight));
  }

  #drawMeasurement(g, measurement, color, ratio, draft) {
    const ctx = this.#ctx;
    const [a, b] = measurement.points.map((p) => this.#toScreen(g, p));
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6 * ratio;
    ctx.shadowColor = "rgba(0, 0, 0, 0.8)";
    ctx.shadowBlur = 2 * ratio;
    if (draft) ctx.setLineDash([5 * ratio, 4 * ratio]);
    ctx.beginPath();
    if (measurement.kind === "length") {
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
      for (const [x, y] of [a, b]) {
        ctx.moveTo(x - 4 * ratio, y);
        ctx.lineTo(x + 4 * ratio, y);
        ctx.moveTo(x, y - 4 * ratio);
        ctx.lineTo(x, y + 4 * ratio);
      }
    } else if (measurement.kind === "rectangle") {
      ctx.rect(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]));
    } else {
      ctx.ellipse((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, Math.abs(b[0] - a[0]) / 2, Math.abs(b[1] - a[1]) / 2, 0, 0, 2 * Math.PI);
    }
    ctx.stroke();
    ctx.restore();
    const lines = draft ? [this.#i18n.t("ct.measure.pending")] : this.#resultLines(measurement);
    if (lines.length) {
      const x = Math.max(a[0], b[0]) + 8 * ratio;
      const y = measurement.kind === "length" ? (a[1] + b[1]) / 2 - 10 * ratio : Math.min(a[1], b[1]);
      this.#label(lines, x, y, ratio, color);
    }
  }

  #resultLines(measurement) {
    const r = measurement.result ?? {};
    const t = (key, params) => this.#i18n.t(key, params);
    if (measurement.kind === "length") return r.length_mm === undefined ? [] : [t("ct.measure.length", { mm: r.length_mm.toFixed(1) })];
    if (r.mean_hu === undefined) return [];
    return [
      t("ct.measure.mean", { mean: r.mean_hu.toFixed(1), sd: r.sd_hu.toFixed(1) }),
      t("ct.measure.range", { min: r.min_hu, max: r.max_hu }),
      t("ct.measure.area", { area: r.area_mm2.toFixed(1) }),
    ];
  }

  #drawPointer(g, point, ratio) {
    const ctx = this.#ctx;
    const [x, y] = this.#toScreen(g, point);
    ctx.save();
    ctx.strokeStyle = COLORS.pointer;
    ctx.lineWidth = 2 * ratio;
    ctx.shadowColor = "rgba(0, 0, 0, 0.8)";
    ctx.shadowBlur = 3 * ratio;
    ctx.beginPath();
    ctx.arc(x, y, 11 * ratio, 0, 2 * Math.PI);
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      ctx.moveTo(x + dx * 6 * ratio, y + dy * 6 * ratio);
      ctx.lineTo(x + dx * 17 * ratio, y + dy * 17 * ratio);
    }
    ctx.stroke();
    ctx.restore();
    if (this.#pointerLabel) this.#label([this.#pointerLabel], x + 14 * ratio, y + 12 * ratio, ratio, COLORS.pointer);
  }

  #drawOrientation(ratio) {
    const affine = this.#series?.meta?.affine;
    if (!affine) return;
    const axes = planeAxes(affine, this.#plane.plane);
    const right = orientationLabel(axes.right);
    const down = orientationLabel(axes.down);
    const { width, height } = this.#canvas;
    const options = { ratio, size: 13, color: COLORS.orientation, weight: 700, baseline: "middle" };
    const m = 10 * ratio;
    this.#text(right, width - m, height / 2, { ...options, align: "right" });
    this.#text(oppositeLabel(right), m, height / 2, { ...options, align: "left" });
    this.#text(down, width / 2, height - m - 14 * ratio, { ...options, align: "center" });
    this.#text(oppositeLabel(down), width / 2, m + 6 * ratio, { ...options, align: "center" });
  }

  #drawReadout(g, ratio) {
    const t = (key, params) => this.#i18n.t(key, params);
    const view = this.#view;
    const plane = this.#plane;
    const meta = this.#series.meta;
    const { width, height } = this.#canvas;
    const m = 12 * ratio;
    const line = 17 * ratio;
    const count = planeCount(meta.shape, plane.plane);
    this.#text(t(`ct.plane.${plane.plane}`), m, m, { ratio, size: 13, weight: 700 });
    this.#text(t("ct.slice", { n: plane.index + 1, total: count }), m, m + line, { ratio });
    this.#text(t("ct.windowReadout", { width: Math.round(view.window_width), center: Math.round(view.window_center) }), m, height - m, { ratio, baseline: "bottom" });
    this.#text(meta.description || meta.modality || "", width - m, m, { ratio, align: "right", color: COLORS.dim });
    this.#text(t("ct.zoomReadout", { zoom: (view.zoom || 1).toFixed(2) }), width - m, m + line, { ratio, align: "right", color: COLORS.dim });
    // A scale bar of a round length about a fifth of the canvas wide.
    const targetMm = (width / 5) / g.pxPerMm;
    const barMm = [1, 2, 5, 10, 20, 50, 100, 200].reduce((best, mm) => (mm <= targetMm ? mm : best), 1);
    const barPx = barMm * g.pxPerMm;
    const ctx = this.#ctx;
    const x1 = width - m;
    const x0 = x1 - barPx;
    const y = height - m - 4 * ratio;
    ctx.save();
    ctx.strokeStyle = COLORS.text;
    ctx.lineWidth = 1.5 * ratio;
    ctx.shadowColor = "rgba(0, 0, 0, 0.8)";
    ctx.shadowBlur = 2 * ratio;
    ctx.beginPath();
    ctx.moveTo(x0, y - 5 * ratio);
    ctx.lineTo(x0, y);
    ctx.lineTo(x1, y);
    ctx.lineTo(x1, y - 5 * ratio);
    ctx.stroke();
    ctx.restore();
    this.#text(`${barMm} mm`, (x0 + x1) / 2, y - 6 * ratio, { ratio, size: 11, align: "center", baseline: "bottom" });
  }

  // --- gestures -------------------------------------------------------------------

  #listen() {
    const canvas = this.#canvas;
    canvas.addEventListener("contextmenu", (event) => event.preventDefault());
    canvas.addEventListener("pointerdown", (event) => this.#onDown(event));
    canvas.addEventListener("pointermove", (event) => this.#onMove(event));
    canvas.addEventListener("pointerup", (event) => this.#onUp(event));
    canvas.addEventListener("pointercancel", () => this.#cancel());
    canvas.addEventListener("pointerleave", () => {
      if (this.tool === "pointer" && !this.#gesture) this.emit("intent", { pointer: null });
    });
    canvas.addEventListener("wheel", (event) => this.#onWheel(event), { passive: false });
    canvas.addEventListener("keydown", (event) => this.#onKey(event));
  }

  #onDown(event) {
    if (!this.#plane) return;
    this.#canvas.focus({ preventScroll: true });
    const tool = event.button === 2 ? "window" : event.button === 1 ? "pan" : this.tool;
    event.preventDefault();
    this.#canvas.setPointerCapture(event.pointerId);
    const view = this.#view;
    this.#gesture = {
      tool,
      x0: event.clientX,
      y0: event.clientY,
      steps: 0,
      start: { index: view.index, center: view.window_center, width: view.window_width, zoom: view.zoom || 1, pan: view.pan ?? [0, 0] },
    };
    if (MEASURE_TOOLS.has(tool)) {
      const p = this.#toPlane(event);
      this.#draft = { kind: tool, points: [p, p] };
      this.#schedule();
    } else if (tool === "pointer") {
      this.emit("intent", { pointer: this.#toPlane(event, false) });
    }
  }

  #onMove(event) {
    const gesture = this.#gesture;
    if (!gesture) {
      if (this.tool === "pointer" && this.#plane) this.emit("intent", { pointer: this.#toPlane(event, false) });
      return;
    }
    const dx = event.clientX - gesture.x0;
    const dy = event.clientY - gesture.y0;
    const { start } = gesture;
    switch (gesture.tool) {
      case "scroll": {
        const steps = Math.trunc(dy / SCROLL_DRAG_PX);
        if (steps !== gesture.steps) {
          gesture.steps = steps;
          this.emit("intent", { index: start.index + steps });
        }
        break;
      }
      case "window":
        this.emit("intent", { window: draggedWindow(start, dx, dy) });
        break;
      case "zoom":
        this.emit("intent", { zoom: clampZoom(start.zoom * Math.exp(-dy / 150)) });
        break;
      case "pan": {
        const g = this.#geometry();
        const ratio = this.#canvas.width / Math.max(1, this.#canvas.clientWidth);
        if (g) this.emit("intent", { pan: [round2(start.pan[0] + (dx * ratio) / g.sx), round2(start.pan[1] + (dy * ratio) / g.sy)] });
        break;
      }
      case "pointer":
        this.emit("intent", { pointer: this.#toPlane(event, false) });
        break;
      default:
        if (this.#draft) {
          this.#draft.points = [this.#draft.points[0], this.#toPlane(event)];
          this.#schedule();
        }
    }
  }

  #onUp(event) {
    const gesture = this.#gesture;
    this.#gesture = null;
    if (!gesture || !MEASURE_TOOLS.has(gesture.tool) || !this.#draft) return;
    const end = this.#toPlane(event);
    this.#draft.points = [this.#draft.points[0], end];
    const ratio = this.#canvas.width / Math.max(1, this.#canvas.clientWidth);
    const moved = Math.hypot(event.clientX - gesture.x0, event.clientY - gesture.y0) * ratio;
    if (moved < MIN_MEASURE_PX) {
      this.clearDraft();
      return;
    }
    this.emit("intent", { measure: { kind: gesture.tool, points: this.#draft.points } });
    this.#schedule();
  }

  #cancel() {
    this.#gesture = null;
    this.clearDraft();
  }

  #onWheel(event) {
    if (!this.#plane) return;
    event.preventDefault();
    const delta = event.deltaMode === 1 ? event.deltaY * 33 : event.deltaMode === 2 ? event.deltaY * 400 : event.deltaY;
    if (event.ctrlKey) {
      this.emit("intent", { zoom: clampZoom((this.#view.zoom || 1) * Math.exp(-delta / 400)) });
      return;
    }
    // Accumulate small trackpad deltas; a mouse notch is one slice.
    this.#wheel += delta;
    const steps = Math.trunc(this.#wheel / WHEEL_NOTCH_PX) || (Math.abs(delta) >= WHEEL_NOTCH_PX / 2 ? Math.sign(delta) : 0);
    if (steps) {
      this.#wheel = 0;
      this.emit("intent", { indexDelta: steps });
    }
  }

  #onKey(event) {
    if (!this.#plane) return;
    const steps = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 10, PageUp: -10 }[event.key];
    if (steps !== undefined) {
      event.preventDefault();
      this.emit("intent", { indexDelta: steps });
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      this.emit("intent", { index: event.key === "Home" ? 0 : Number.MAX_SAFE_INTEGER });
    } else if (event.key === "+" || event.key === "=" || event.key === "-") {
      event.preventDefault();
      this.emit("intent", { zoom: clampZoom((this.#view.zoom || 1) * (event.key === "-" ? 1 / 1.25 : 1.25)) });
    }
  }
}

function round2(value) {
  return Math.round(value * 100) / 100;
}
