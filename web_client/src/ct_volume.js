/**
 * Planes of a CT volume in the browser, cut exactly as the server's `imaging/plane.py`
 * cuts them, so a point the presenter clicks is the pixel the server measures.
 * Pure functions, no DOM.
 *
 * The volume is int16 HU in C order (slice k, row j, column i), slice 0 lowest along
 * the normal. Axial plane k = vol[k]. Coronal plane j = vol[::-1, j, :]: rows run
 * over the slices, top row = highest slice; row spacing = slice spacing, column
 * spacing = x spacing. Sagittal plane i = vol[::-1, :, i]: rows over the slices,
 * columns over the volume's rows (column spacing = row spacing).
 */

export const PLANES = Object.freeze(["axial", "coronal", "sagittal"]);

/** How many planes of `plane` a volume of `shape` [slices, rows, columns] has. */
export function planeCount(shape, plane) {
  const [slices, rows, columns] = shape;
  return { axial: slices, coronal: rows, sagittal: columns }[plane] ?? 0;
}

/** The middle plane, where a series opens (as the server opens it). */
export function middleIndex(shape, plane) {
  return Math.floor(planeCount(shape, plane) / 2);
}

export function clampIndex(shape, plane, index) {
  const count = planeCount(shape, plane);
  return Math.min(Math.max(0, Math.round(index)), Math.max(0, count - 1));
}

/**
 * Plane `index` of `plane`: `{hu, rows, columns, rowMm, columnMm}` (hu an Int16Array of
 * rows × columns, row-major). `spacingMm` is [slice, row, column] as the metadata says.
 */
export function extractPlane(hu, shape, spacingMm, plane, index) {
  const [slices, rows, columns] = shape;
  const [sliceMm, rowMm, columnMm] = spacingMm;
  const sliceSize = rows * columns;
  if (plane === "axial") {
    return { hu: hu.subarray(index * sliceSize, (index + 1) * sliceSize), rows, columns, rowMm, columnMm };
  }
  if (plane === "coronal") {
    const out = new Int16Array(slices * columns);
    for (let r = 0; r < slices; r += 1) {
      const from = (slices - 1 - r) * sliceSize + index * columns;
      out.set(hu.subarray(from, from + columns), r * columns);
    }
    return { hu: out, rows: slices, columns, rowMm: sliceMm, columnMm };
  }
  if (plane === "sagittal") {
    const out = new Int16Array(slices * rows);
    for (let r = 0; r < slices; r += 1) {
      const base = (slices - 1 - r) * sliceSize + index;
      for (let c = 0; c < rows; c += 1) out[r * rows + c] = hu[base + c * columns];
    }
    return { hu: out, rows: slices, columns: rows, rowMm: sliceMm, columnMm: rowMm };
  }
  throw new RangeError(`no plane '${plane}'`);
}

/**
 * Patient directions (LPS) of a plane's +row and +column axes, from the volume's affine
 * (voxel (slice, row, column, 1) → patient mm): what the edges of the image face.
 */
export function planeAxes(affine, plane) {
  const column = (n) => [affine[0][n], affine[1][n], affine[2][n]];
  const negate = (v) => v.map((x) => -x);
  if (plane === "axial") return { down: column(1), right: column(2) };
  if (plane === "coronal") return { down: negate(column(0)), right: column(2) };
  return { down: negate(column(0)), right: column(1) };
}

/**
 * The orientation letter(s) of a direction in LPS: L/R, P/A, S/I, the main one first
 * and a second one if it is more than a third as strong (an oblique stack).
 */
export function orientationLabel(vector) {
  const letters = [
    ["L", "R"],
    ["P", "A"],
    ["S", "I"],
  ];
  const parts = vector
    .map((v, axis) => ({ size: Math.abs(v), letter: letters[axis][v >= 0 ? 0 : 1] }))
    .sort((a, b) => b.size - a.size);
  if (!parts[0] || parts[0].size === 0) return "";
  return parts[1].size > parts[0].size / 3 ? parts[0].letter + parts[1].letter : parts[0].letter;
}

export function oppositeLabel(label) {
  const opposite = { L: "R", R: "L", P: "A", A: "P", S: "I", I: "S" };
  return [...label].map((c) => opposite[c] ?? c).join("");
}
