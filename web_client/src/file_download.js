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

/** Saves a file attached to case `caseId` (not a CT study: the viewer shows those) under
 * its description when that already names such a file, else under its id. */
export function saveAttachment(session, caseId, attachment) {
  const path = `/api/referrals/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(attachment.id)}`;
  const suffix = { pdf: ".pdf", jpeg: ".jpg", png: ".png" }[attachment.kind] ?? "";
  const described = attachment.description && attachment.description.toLowerCase().endsWith(suffix);
  return saveDownload(session, path, described ? attachment.description : `${attachment.id}${suffix}`);
}
