/**
 * The frame of a hospital list page (the inbox, the schedule): its title and lead, a
 * refresh button, a status line for refusals, then the page's own content. The strings
 * are the page's: `<name>.title`, `<name>.lead`, `<name>.refresh`.
 */

import { h } from "./dom.js";

/** The page `name` (also its test id and class), with `status` under the head. */
export function hospitalPage(i18n, { name, status, onRefresh }, ...content) {
  const refresh = h("button", { class: "btn btn--secondary", type: "button", "data-testid": `${name}-refresh`, onclick: onRefresh });
  return h(
    "div",
    { class: `hospital-page ${name}`, "data-testid": name },
    h(
      "header",
      { class: "hospital-page__head" },
      h(
        "div",
        {},
        i18n.text(h("h1", { class: "hospital-page__title" }), `${name}.title`),
        i18n.text(h("p", { class: "hospital-page__lead" }), `${name}.lead`),
      ),
      i18n.text(refresh, `${name}.refresh`),
    ),
    status,
    content,
  );
}
