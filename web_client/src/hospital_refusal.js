/**
 * A refusal from the server on the hospital pages, shown as a sentence a doctor can
 * act on.
 *
 * Each page family names the error codes it expects (`inbox.error.field-required`, …);
 * any other code falls back to `<prefix>.error.other`. The server's own message
 * ("English sentence (中文说明)") reaches the strings as `{message}`, each language
 * showing its own half, so the sentence follows a language switch.
 */

import { h } from "./dom.js";

/**
 * A `<p role="alert">` for `error` (an `ApiError` or anything thrown), translated with
 * `<prefix>.error.<code>` when `codes` lists the code, else `<prefix>.error.other`.
 */
export function hospitalRefusal(i18n, prefix, codes, error, testid) {
  const code = error?.code ?? "other";
  const known = codes.includes(code) ? code : "other";
  const element = h("p", {
    class: "hospital-refusal",
    role: "alert",
    "data-testid": testid,
    "data-code": code,
    "data-field": error?.field,
  });
  const halves = messageHalves(String(error?.message ?? error ?? ""));
  return i18n.text(element, `${prefix}.error.${known}`, { message: halves[i18n.lang === "en" ? "en" : "zh"], ...halves });
}

/** "x is required (必填：拒绝理由)" → `{en: "x is required", zh: "必填：拒绝理由"}`; a
 * message without a Chinese half is the same in both. */
export function messageHalves(message) {
  const match = /^(.*\S)\s*[(（]([^()（）]*)[)）]\s*$/su.exec(message);
  if (!match || !/[\u4e00-\u9fff]/u.test(match[2])) return { en: message, zh: message };
  return { en: match[1], zh: match[2] };
}
