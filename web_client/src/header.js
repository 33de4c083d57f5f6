/** The top-left brand and the language toggle, on every page. */

import { h } from "./dom.js";
import { icon } from "./icons.js";

export function brand(i18n) {
  return h(
    "div",
    { class: "brand" },
    h("span", { class: "brand__mark" }, icon("logo")),
    i18n.text(h("span", { class: "brand__name" }), "app.brand"),
  );
}

export function languageToggle(i18n, extraClass = "") {
  const button = h(
    "button",
    { class: `lang-toggle ${extraClass}`, type: "button", "data-testid": "lang-toggle", onclick: () => i18n.toggle() },
    icon("globe"),
    i18n.text(h("span", { class: "lang-toggle__label" }), "lang.switchTo"),
  );
  i18n.attr(button, "aria-label", "lang.label");
  i18n.attr(button, "title", "lang.label");
  return button;
}

/** A page's header bar: brand on the left, language toggle on the right. */
export function pageHeader(i18n) {
  return h("header", { class: "page-header" }, brand(i18n), languageToggle(i18n));
}
