/**
 * A refusal of the API (an `ApiError`) as a sentence for people, in either language, on
 * every page of the desk.
 *
 * Known codes have sentences of their own (`refusal.*`); a page may word a code its own
 * way where its context says more (`own`: code → string key). Any other error's message
 * is the server's, which is written "English sentence (中文说明)": each language shows
 * its own half. Every sentence gets both halves as `{en}` / `{zh}`, so it may quote the
 * server; the result is `{key, params}` for `i18n.text()`, so it follows a language switch.
 */

import { h } from "./dom.js";

const SENTENCES = {
  "referral-not-found": "refusal.notFound",
  "not-found": "refusal.notFound",
  "not-permitted": "refusal.notPermitted",
  "not-expert": "refusal.notExpert",
  "network-error": "refusal.network",
  "field-required": "refusal.required",
  "invalid-state": "refusal.invalidState",
  "consultation-consent-missing": "refusal.consentMissing",
  "consent-already-recorded": "refusal.consentRecorded",
  "unsupported-attachment": "refusal.unsupportedFile",
  "attachment-too-large": "refusal.fileTooLarge",
  "concurrent-update": "refusal.changed",
  "opinion-not-found": "refusal.noOpinion",
  "opinion-signed": "refusal.opinionSigned",
  // The directory (rooms/directory.py); `password-mismatch` is the account form's own check.
  "login-taken": "refusal.loginTaken",
  "institution-not-found": "refusal.institutionNotFound",
  "account-not-found": "refusal.accountNotFound",
  "own-account": "refusal.ownAccount",
  "password-mismatch": "refusal.passwordMismatch",
  // imaging/errors.py: an uploaded CT study that cannot be read as one CT series.
  "not-dicom": "refusal.notCtSeries",
  "truncated-dicom": "refusal.notCtSeries",
  "no-pixel-data": "refusal.notCtSeries",
  "not-ct": "refusal.notCtSeries",
  "mixed-series": "refusal.notCtSeries",
  "inconsistent-series": "refusal.notCtSeries",
  "unsupported-transfer-syntax": "refusal.notCtSeries",
  "empty-study": "refusal.notCtSeries",
  "unsafe-archive": "refusal.notCtSeries",
};

/** `{key, params}` describing `error` (an ApiError or anything thrown). */
export function refusal(error, own = {}) {
  const params = serverHalves(String(error?.message ?? error ?? ""));
  const key = own[error?.code] ?? SENTENCES[error?.code] ?? "refusal.server";
  return { key, params };
}

/** Shows `error` in `element` (and marks it as a refusal for tests and screen readers:
 * `data-code`, and `data-field` when the server named a field). */
export function showRefusal(i18n, element, error, own = {}) {
  const { key, params } = refusal(error, own);
  i18n.text(element, key, params);
  element.hidden = false;
  element.dataset.code = error?.code ?? "error";
  if (error?.field) element.dataset.field = error.field;
  return element;
}

/** A new `<p role="alert">` saying `error`; `testid` names it for tests. */
export function refusalNote(i18n, error, testid, own = {}) {
  return showRefusal(i18n, h("p", { class: "refusal", role: "alert", "data-testid": testid }), error, own);
}

export function clearRefusal(element) {
  element.hidden = true;
  element.textContent = "";
  delete element.dataset.i18n;
  delete element.dataset.code;
  delete element.dataset.field;
}

/** "x must be … (中文)" → `{en: "x must be …", zh: "中文"}`; a message without the
 * Chinese half is shown as it is in both languages. */
export function serverHalves(message) {
  const match = /^(.*\S)\s*[(（]([^()（）]*)[)）]\s*$/su.exec(message);
  if (!match || !/[\u4e00-\u9fff]/u.test(match[2])) return { en: message, zh: message };
  return { en: match[1], zh: match[2] };
}
