/**
 * Sending a file to the API while saying how far it has got. `fetch` reports no upload
 * progress, `XMLHttpRequest` does; the request carries a bearer token (an account's
 * access token, or a join token in the call) and is refused with the same `ApiError`
 * as the API's other requests.
 */

import { ApiError } from "./api.js";

/**
 * POSTs `body` (a File, a Blob or FormData) to `url` with `token`, as `contentType` when
 * given (FormData sets its own). `onProgress(fraction)` follows the bytes sent, 0 to 1.
 * Resolves to the reply's JSON.
 */
export function postWithProgress(url, body, { token, contentType = null, onProgress = () => {} }) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.responseType = "json";
    request.setRequestHeader("Authorization", `Bearer ${token}`);
    if (contentType) request.setRequestHeader("Content-Type", contentType);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(request.response);
        return;
      }
      const error = request.response?.error ?? {};
      const failure = new ApiError(error.code ?? `http-${request.status}`, error.message ?? request.statusText, request.status);
      failure.field = error.field ?? null;
      reject(failure);
    });
    // A server that refuses a large body before reading it may close the connection:
    // the browser then reports no reply at all.
    request.addEventListener("error", () => reject(new ApiError("network-error", "the upload did not reach the server", 0)));
    request.send(body);
  });
}
