/**
 * Full pages that end or replace the call: errors (expired or invalid link, server
 * unreachable, join refused), "you left", "you joined from another window".
 * Never a blank page: every failure ends here with what to do next.
 */

import { h, replaceChildren } from "./dom.js";
import { pageHeader } from "./header.js";
import { icon } from "./icons.js";

/** What each error code shows: the `data-code` of the page, its strings and icon. */
const ERRORS = {
  "token-expired": { code: "token-expired", key: "expired", icon: "clock" },
  "token-invalid": { code: "invalid-link", key: "invalid", icon: "link" },
  "invalid-link": { code: "invalid-link", key: "invalid", icon: "link" },
  "token-missing": { code: "missing-link", key: "missing", icon: "link" },
  "missing-link": { code: "missing-link", key: "missing", icon: "link" },
  "wrong-consultation": { code: "wrong-consultation", key: "wrong", icon: "link" },
  "network-error": { code: "server-unreachable", key: "unreachable", icon: "wifi" },
  timeout: { code: "server-unreachable", key: "unreachable", icon: "wifi" },
  "not-connected": { code: "server-unreachable", key: "unreachable", icon: "wifi" },
  unsupported: { code: "unsupported-browser", key: "unsupported", icon: "alert" },
  "session-replaced": { code: "session-replaced", key: "replaced", icon: "windows" },
};

export function errorPage(root, i18n, { code, message = "", actions = [] }) {
  const known = ERRORS[code] ?? { code, key: "refused", icon: "alert" };
  const body = i18n.text(h("p", { class: "page__body" }), `page.${known.key}.body`, { message });
  const showCode = known.code !== "session-replaced";
  return page(root, i18n, {
    testid: "error-page",
    code: known.code,
    tone: known.code === "session-replaced" ? "info" : "error",
    iconName: known.icon,
    title: i18n.text(h("h1", { class: "page__title" }), `page.${known.key}.title`),
    body,
    extra: [
      showCode ? i18n.text(h("p", { class: "page__code" }), "page.code", { code: known.code }) : null,
      known.key === "refused" || known.key === "unreachable" ? null : i18n.text(h("p", { class: "page__hint" }), "page.contact"),
    ],
    actions,
  });
}

export function leftPage(root, i18n, { onRejoin }) {
  return page(root, i18n, {
    testid: "left-page",
    code: "left",
    tone: "info",
    iconName: "leave",
    title: i18n.text(h("h1", { class: "page__title" }), "page.left.title"),
    body: i18n.text(h("p", { class: "page__body" }), "page.left.body"),
    actions: [{ key: "page.rejoin", testid: "rejoin-button", onClick: onRejoin, primary: true }],
  });
}

export function infoPage(root, i18n, { titleKey, bodyKey, iconName = "hospital" }) {
  return page(root, i18n, {
    testid: "info-page",
    code: "info",
    tone: "info",
    iconName,
    title: i18n.text(h("h1", { class: "page__title" }), titleKey),
    body: i18n.text(h("p", { class: "page__body" }), bodyKey),
    actions: [],
  });
}

function page(root, i18n, { testid, code, tone, iconName, title, body, extra = [], actions }) {
  const buttons = actions.map(({ key, testid: buttonId, onClick, primary }) => {
    const button = h("button", {
      class: `btn ${primary ? "btn--primary" : "btn--secondary"}`,
      type: "button",
      "data-testid": buttonId,
      onclick: (event) => {
        event.currentTarget.disabled = true;
        onClick();
      },
    });
    return i18n.text(button, key);
  });
  const card = h(
    "section",
    { class: `page page--${tone}`, "data-testid": testid, "data-code": code, role: tone === "error" ? "alert" : "status" },
    h("div", { class: "page__icon" }, icon(iconName)),
    title,
    body,
    extra,
    buttons.length ? h("div", { class: "page__actions" }, buttons) : null,
  );
  replaceChildren(root, h("div", { class: "page-screen" }, pageHeader(i18n), h("div", { class: "page-screen__body" }, card)));
  return card;
}
