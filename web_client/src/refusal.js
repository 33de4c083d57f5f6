/**
 * A refusal of the API (an `ApiError`) as a sentence for people, in either language.
 *
 * Known codes have sentences of their own; any other error's message is the server's,
 * which is written "English sentence (中文说明)": each language shows its own half.
 * The result is `{key, params}` for `i18n.text()`, so it follows a language switch.
 */

const SENTENCES = {
  "referral-not-found": "cases.refusal.notFound",
  "not-found": "cases.refusal.notFound",
  "not-permitted": "cases.refusal.notPermitted",
  "network-error": "cases.refusal.network",
  "field-required": "cases.refusal.required",
  "consultation-consent-missing": "cases.refusal.consentMissing",
  "consent-already-recorded": "cases.refusal.consentRecorded",
  "unsupported-attachment": "cases.refusal.unsupportedFile",
  "attachment-too-large": "cases.refusal.fileTooLarge",
  "concurrent-update": "cases.refusal.changed",
  "opinion-not-found": "cases.refusal.noOpinion",
};

/** `{key, params}` describing `error` (an ApiError or anything thrown). */
export function refusal(error) {
  const key = SENTENCES[error?.code];
  if (key) return { key, params: {} };
  return { key: "cases.refusal.server", params: serverHalves(String(error?.message ?? error ?? "")) };
}

/** Shows `error` in `element` (and marks it as a refusal for tests and screen readers). */
export function showRefusal(i18n, element, error) {
  const { key, params } = refusal(error);
  i18n.text(element, key, params);
  element.hidden = false;
  element.dataset.code = error?.code ?? "error";
  return element;
}

export function clearRefusal(element) {
  element.hidden = true;
  element.textContent = "";
  delete element.dataset.i18n;
  delete element.dataset.code;
}

/** "x must be … (中文)" → `{en: "x must be …", zh: "中文"}`; a message without the
 * Chinese half is shown as it is in both languages. */
export function serverHalves(message) {
  const match = /^(.*\S)\s*[(（]([^()（）]*)[)）]\s*$/su.exec(message);
  if (!match || !/[\u4e00-\u9fff]/u.test(match[2])) return { en: message, zh: message };
  return { en: match[1], zh: match[2] };
}
