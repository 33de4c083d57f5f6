/** Terms and their values, as the case view and its panels list them (`<dl>` rows). */

import { h } from "./dom.js";

/** One row: the translated term `labelKey`, then the value (text, nodes or arrays). */
export function fact(i18n, labelKey, ...value) {
  return h("div", { class: "case-facts__row" }, i18n.text(h("dt", {}), labelKey), h("dd", {}, value));
}

/** A `<dl>` of the rows given (null rows are left out). */
export function facts(...rows) {
  return h("dl", { class: "case-facts" }, rows);
}

/** A person the case names, "李明（主任医师 · 呼吸内科）", or `fallback` when unknown. */
export function personName(people, accountId, fallback = "") {
  const person = people?.[accountId];
  if (!person) return fallback;
  const about = [person.title, person.specialty].filter(Boolean).join(" · ");
  return about ? `${person.real_name}（${about}）` : person.real_name;
}
