/** Saving a file the API serves (a Blob from `session.download`) under a given name. */

import { h } from "./dom.js";

/** Fetches `path` with the session and hands it to the browser as a download. */
export async function saveDownload(session, path, filename) {
  const blob = await session.download(path);
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The download has started from the click; the URL is needed no longer after it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return blob;
}
