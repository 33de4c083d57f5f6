/**
 * The consultation's CT series as the browser holds them: metadata and HU, fetched
 * once per series (a series UID never names different pixels, so the browser's
 * cache keeps them too), and the upload of a new study with its progress.
 *
 * HU arrive zlib-compressed (RFC 1950) as int16 little-endian; the browser's
 * `DecompressionStream("deflate")` inflates exactly that format.
 */

import { postWithProgress } from "./upload.js";

export class SeriesError extends Error {
  constructor(code, message, status = 0) {
    super(message);
    this.name = "SeriesError";
    /** The server's error code (`not-dicom`, `payload-too-large`, …) or `network-error`. */
    this.code = code;
    this.status = status;
  }
}

export class SeriesStore {
  #origin;
  #consultationId;
  #token;
  /** series_uid → Promise of `{meta, hu}`. */
  #loads = new Map();
  /** series_uid → `{meta, hu}` once loaded. */
  #ready = new Map();

  constructor({ origin, consultationId, token }) {
    this.#origin = origin;
    this.#consultationId = consultationId;
    this.#token = token;
  }

  /** The loaded series, or null while it is still on its way. */
  get(seriesUid) {
    return this.#ready.get(seriesUid) ?? null;
  }

  /**
   * Metadata and HU of a series. `onProgress(fraction)` follows the download (when the
   * server says its length). A failed load is forgotten, so asking again retries.
   */
  load(seriesUid, onProgress = () => {}) {
    if (!this.#loads.has(seriesUid)) {
      const loading = this.#fetchSeries(seriesUid, onProgress).then(
        (series) => {
          this.#ready.set(seriesUid, series);
          return series;
        },
        (error) => {
          this.#loads.delete(seriesUid);
          throw error;
        },
      );
      this.#loads.set(seriesUid, loading);
    }
    return this.#loads.get(seriesUid);
  }

  /**
   * Uploads a DICOM file or a zip of one series; resolves with the series metadata.
   * `onProgress(fraction)` follows the bytes sent (fetch cannot report that; XHR can).
   */
  upload(file, onProgress = () => {}) {
    return postWithProgress(this.#url("/studies"), file, {
      token: this.#token,
      contentType: file.type || "application/octet-stream",
      onProgress,
    });
  }

  #url(path) {
    return new URL(`/api/consultations/${encodeURIComponent(this.#consultationId)}${path}`, this.#origin);
  }

  async #get(path) {
    try {
      return await fetch(this.#url(path), { headers: { Authorization: `Bearer ${this.#token}` } });
    } catch (error) {
      throw new SeriesError("network-error", String(error?.message ?? error));
    }
  }

  async #fetchSeries(seriesUid, onProgress) {
    const base = `/series/${encodeURIComponent(seriesUid)}`;
    const metaResponse = await this.#get(base);
    const meta = await metaResponse.json().catch(() => null);
    if (!metaResponse.ok) {
      throw new SeriesError(meta?.error?.code ?? `http-${metaResponse.status}`, meta?.error?.message ?? metaResponse.statusText, metaResponse.status);
    }
    if (meta.dtype !== "int16" || meta.encoding !== "zlib") {
      throw new SeriesError("unsupported-series", `cannot read ${meta.dtype} in ${meta.encoding}`);
    }
    const response = await this.#get(`${base}/volume`);
    if (!response.ok || !response.body) {
      const body = await response.json().catch(() => null);
      throw new SeriesError(body?.error?.code ?? `http-${response.status}`, body?.error?.message ?? response.statusText, response.status);
    }
    const total = Number(response.headers.get("Content-Length")) || 0;
    let received = 0;
    const counted = response.body.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          received += chunk.byteLength;
          if (total) onProgress(Math.min(1, received / total));
          controller.enqueue(chunk);
        },
      }),
    );
    let bytes;
    try {
      bytes = await new Response(counted.pipeThrough(new DecompressionStream("deflate"))).arrayBuffer();
    } catch (error) {
      throw new SeriesError("corrupt-series", `the series data could not be inflated: ${error?.message ?? error}`);
    }
    const [slices, rows, columns] = meta.shape;
    if (bytes.byteLength !== slices * rows * columns * 2) {
      throw new SeriesError("corrupt-series", `expected ${slices * rows * columns} values, got ${bytes.byteLength / 2}`);
    }
    // int16 little-endian: every browser's typed arrays are little-endian in practice.
    return { meta, hu: new Int16Array(bytes) };
  }
}
