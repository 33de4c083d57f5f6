/**
 * A patient as one line of a list: name, sex and age in whole years (from the birth
 * date, as of `nowMs`). Ages and dates are computed here, never sent back.
 */

import { h } from "./dom.js";

/** Whole years between an ISO birth date (`1958-04-12`) and `nowMs`. */
export function ageYears(birthDate, nowMs) {
  const [year, month, day] = birthDate.split("-").map(Number);
  const now = new Date(nowMs);
  let age = now.getFullYear() - year;
  if (now.getMonth() + 1 < month || (now.getMonth() + 1 === month && now.getDate() < day)) age -= 1;
  return Math.max(0, age);
}

/** `张三 · 男 · 67岁` in the current language, as a span. */
export function patientLabel(i18n, patient, nowMs = Date.now()) {
  return h(
    "span",
    { class: "patient-label", "data-testid": "patient-label" },
    h("strong", { class: "patient-label__name" }, patient.name),
    " · ",
    i18n.text(h("span", {}), `inbox.sex.${patient.sex}`),
    " · ",
    i18n.text(h("span", {}), "inbox.age", { years: ageYears(patient.birth_date, nowMs) }),
  );
}
