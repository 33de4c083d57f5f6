/**
 * Window/level: from Hounsfield units to grey levels, as the server's
 * `imaging/window.py` does it, so every client shows the same grey for the same HU.
 * Pure functions, no DOM.
 *
 * Windows are synced as (centre, width) in HU, never as screen-pixel deltas: each
 * client's mouse has its own sensitivity (research note dicom-anchors §2).
 */

/** Radiopaedia's CT windows (dicom-anchors §2); the server sends the same ones with each series. */
export const PRESETS = Object.freeze([
  { name: "lung", center: -600, width: 1500 },
  { name: "mediastinum", center: 50, width: 350 },
  { name: "soft-tissue", center: 50, width: 400 },
  { name: "bone", center: 400, width: 1800 },
  { name: "brain", center: 40, width: 80 },
  { name: "liver", center: 30, width: 150 },
]);

export const MIN_WIDTH_HU = 1;
export const MAX_WIDTH_HU = 10_000;
export const MIN_CENTER_HU = -5_000;
export const MAX_CENTER_HU = 5_000;

/** int16 HU are looked up at `hu + HU_OFFSET` in a LUT. */
const HU_OFFSET = 32768;

/** Rounds half to even, as numpy's `rint` does on the server. */
function rint(value) {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The grey level (0–255) of `hu` under the default LINEAR VOI function,
 * DICOM PS3.3 C.11.2.1.2.1: centred on c − 0.5 and spanning w − 1, not the naive
 * (hu − (c − w/2)) / w. A width of 1 is a threshold.
 */
export function voiGrey(hu, center, width) {
  if (width <= 1) return hu > center - 0.5 ? 255 : 0;
  const scaled = ((hu - (center - 0.5)) / (width - 1) + 0.5) * 255;
  return Math.min(255, Math.max(0, rint(scaled)));
}

/** A lookup table of `voiGrey` for every int16 value (index `hu + 32768`). */
export function voiLut(center, width) {
  const lut = new Uint8Array(65536);
  for (let i = 0; i < 65536; i += 1) lut[i] = voiGrey(i - HU_OFFSET, center, width);
  return lut;
}

/** Writes `hu` (an Int16Array) through `lut` into `rgba` (a Uint32Array over ImageData, little-endian ABGR). */
export function applyLut(hu, lut, rgba) {
  for (let p = 0; p < hu.length; p += 1) {
    const grey = lut[hu[p] + HU_OFFSET];
    rgba[p] = 0xff000000 | (grey << 16) | (grey << 8) | grey;
  }
}

/** A window kept inside what the server accepts; centre and width rounded to whole HU. */
export function clampWindow(center, width) {
  return {
    center: Math.round(Math.min(MAX_CENTER_HU, Math.max(MIN_CENTER_HU, center))),
    width: Math.round(Math.min(MAX_WIDTH_HU, Math.max(MIN_WIDTH_HU, width))),
  };
}

/**
 * The window after a drag of (dx, dy) screen pixels from `start`: right widens,
 * down raises the level (as in most PACS viewers). The step grows with the width,
 * so a bone window and a brain window are both adjustable with one hand movement.
 */
export function draggedWindow(start, dx, dy) {
  const step = Math.max(0.5, start.width / 300);
  return clampWindow(start.center + dy * step, start.width + dx * step);
}
