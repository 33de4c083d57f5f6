/** The avatar shown for a participant without video: initials on a calm colour. */

import { h } from "./dom.js";

const HONORIFICS = new Set(["dr", "dr.", "prof", "prof.", "mr", "mr.", "ms", "ms.", "mrs", "mrs."]);
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;
export const AVATAR_TONES = 8;

/**
 * One or two letters for `name`: the first Chinese character when there is one
 * (the family name: "李医生" → "李", "Dr Li 李医生" → "李"), else the initials of
 * the first two words after an honorific ("Dr Anna Smith" → "AS").
 */
export function initials(name) {
  const text = String(name ?? "").trim();
  const cjk = text.match(CJK);
  if (cjk) return cjk[0];
  const words = text.split(/\s+/).filter((w) => w && !HONORIFICS.has(w.toLowerCase()));
  const letters = (words.length ? words : text.split(/\s+/)).slice(0, 2).map((w) => [...w][0] ?? "");
  return letters.join("").toUpperCase() || "?";
}

/** A stable colour index for a participant id. */
export function toneOf(id) {
  let hash = 0;
  for (const char of String(id)) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % AVATAR_TONES;
}

export function avatar(participant, size = "md") {
  return h(
    "span",
    { class: `avatar avatar--${size} avatar--tone${toneOf(participant.participant_id)}`, "aria-hidden": "true" },
    initials(participant.display_name),
  );
}
