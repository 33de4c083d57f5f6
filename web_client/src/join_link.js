/**
 * The join link's token: read once from the URL fragment (`/join#token=JWT`, which
 * browsers never send to the server), then removed from the address bar and kept in
 * this tab's sessionStorage only, so a reload of the tab still works but the token
 * never lands in history, bookmarks or a shared screenshot of the address bar.
 */

const STORAGE_KEY = "mdt.token";

export function takeJoinToken(location, history, storage) {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  const fromLink = fragment.get("token");
  if (fromLink !== null) {
    fragment.delete("token");
    const rest = fragment.toString();
    history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
    try {
      storage.setItem(STORAGE_KEY, fromLink);
    } catch {
      // No sessionStorage (disabled): the token lives in memory only; a reload needs the link.
    }
    return fromLink.trim() || null;
  }
  try {
    return storage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function forgetJoinToken(storage) {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
