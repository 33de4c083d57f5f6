/**
 * Grid geometry: how many columns and rows make `count` tiles of one aspect ratio
 * as large as possible inside a box. Pure functions, no DOM.
 */

export const TILE_ASPECT = 16 / 9;

/** `{cols, rows, tileWidth}` for `count` tiles in `width` × `height` pixels with `gap` between. */
export function bestLayout(count, width, height, { gap = 12, aspect = TILE_ASPECT } = {}) {
  const n = Math.max(1, count);
  let best = { cols: 1, rows: n, tileWidth: 0 };
  for (let cols = 1; cols <= n; cols += 1) {
    const rows = Math.ceil(n / cols);
    const byWidth = (width - gap * (cols - 1)) / cols;
    const byHeight = ((height - gap * (rows - 1)) / rows) * aspect;
    const tileWidth = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    // On a tie, more columns: side by side reads better on a landscape screen.
    if (tileWidth >= best.tileWidth) best = { cols, rows, tileWidth };
  }
  return best;
}
