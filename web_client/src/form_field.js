/**
 * Labelled form fields that show their own error: the field's `data-field` is the
 * server's field path (`patient.birth_date`), so an `ApiError` with `.field` lands
 * next to the field it names, in the form's language.
 */

import { h } from "./dom.js";
import { clearRefusal, showRefusal } from "./refusal.js";

let nextId = 0;

/** A field: its label (`labelKey`), the control, an optional hint, an error slot. */
export function formField(i18n, { name, labelKey, control, required = false, hintKey = null }) {
  const labelled = control.matches("input, select, textarea");
  if (labelled && !control.id) control.id = `field-${++nextId}`;
  if (labelled) control.name ||= name;
  const label = h(
    labelled ? "label" : "span",
    { class: "field__label", for: labelled ? control.id : null },
    i18n.text(h("span"), labelKey),
    required ? h("span", { class: "field__required", "aria-hidden": "true" }, " *") : null,
  );
  const error = h("p", { class: "field__error", role: "alert", "data-testid": `field-error-${name}`, hidden: true });
  if (labelled) {
    error.id = `${control.id}-error`;
    control.setAttribute("aria-describedby", error.id);
  }
  return h(
    "div",
    { class: "field", "data-field": name, "data-required": required ? "true" : null },
    label,
    control,
    hintKey ? i18n.text(h("p", { class: "field__hint" }), hintKey) : null,
    error,
  );
}

/** Shows `error` (an ApiError) next to the field it names; false when `form` has no
 * such field (the caller then shows it for the whole form). */
export function showFieldError(i18n, form, fieldName, error) {
  const wrapper = fieldNamed(form, fieldName);
  if (!wrapper) return false;
  showRefusal(i18n, wrapper.querySelector(".field__error"), error);
  wrapper.dataset.invalid = "true";
  wrapper.querySelector("input, select, textarea")?.setAttribute("aria-invalid", "true");
  return true;
}

export function clearFieldErrors(form) {
  for (const wrapper of form.querySelectorAll(".field[data-invalid]")) {
    delete wrapper.dataset.invalid;
    clearRefusal(wrapper.querySelector(".field__error"));
    wrapper.querySelector("[aria-invalid]")?.removeAttribute("aria-invalid");
  }
}

/** Marks every required field left empty (`isEmpty(name)` decides); the first one
 * empty gets the focus. True when all are filled. */
export function checkRequired(i18n, form, isEmpty) {
  let first = null;
  for (const wrapper of form.querySelectorAll(".field[data-required]")) {
    if (!isEmpty(wrapper.dataset.field)) continue;
    showFieldError(i18n, form, wrapper.dataset.field, { code: "field-required" });
    first ??= wrapper;
  }
  first?.querySelector("input, select, textarea")?.focus();
  return first === null;
}

/** Focuses the field named `fieldName`, if the form has it. */
export function focusField(form, fieldName) {
  fieldNamed(form, fieldName)?.querySelector("input, select, textarea")?.focus();
}

function fieldNamed(form, fieldName) {
  return [...form.querySelectorAll(".field[data-field]")].find((f) => f.dataset.field === fieldName) ?? null;
}

/** A `<input type="datetime-local">` value (the browser's time zone) as ISO 8601 with
 * its UTC offset, as the API requires (`2026-03-03T09:00:00+08:00`); "" stays "". */
export function isoInstant(localValue) {
  if (!localValue) return "";
  const when = new Date(localValue);
  if (Number.isNaN(when.getTime())) return localValue;
  const offset = -when.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
  return (
    `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}` +
    `T${pad(when.getHours())}:${pad(when.getMinutes())}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

/** `ms` as a `datetime-local` value in the browser's time zone. */
export function localInputValue(ms) {
  const when = new Date(ms);
  const pad = (n) => String(n).padStart(2, "0");
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}T${pad(when.getHours())}:${pad(when.getMinutes())}`;
}
