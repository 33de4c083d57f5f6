/**
 * The audit log for auditors: who did what to which record, when, from where, and
 * whether it was allowed. Searches by actor account, action, object and outcome; the
 * server caps the number of records returned.
 */

import { ApiError } from "./api.js";
import { h, replaceChildren } from "./dom.js";

const COLUMNS = ["at", "actor", "action", "object", "outcome", "address"];

export function mountAuditLog(root, { i18n, session }) {
  const inputs = {
    actor: h("input", { class: "field__input", name: "actor", "data-testid": "audit-actor" }),
    action: h("input", { class: "field__input", name: "action", "data-testid": "audit-action" }),
    object_id: h("input", { class: "field__input", name: "object_id", "data-testid": "audit-object" }),
  };
  const outcome = h(
    "select",
    { class: "select", name: "outcome", "data-testid": "audit-outcome" },
    ["", "allowed", "refused"].map((value) => i18n.text(h("option", { value }), `audit.outcome.${value || "any"}`)),
  );
  const results = h("div", { class: "audit-results", "data-testid": "audit-results" });
  const form = h(
    "form",
    { class: "audit-form", "data-testid": "audit-form" },
    field(i18n, "audit.actor", inputs.actor),
    field(i18n, "audit.action", inputs.action),
    field(i18n, "audit.objectId", inputs.object_id),
    field(i18n, "audit.outcome", outcome),
    i18n.text(h("button", { class: "btn btn--primary", type: "submit", "data-testid": "audit-search" }), "audit.search"),
  );
  let closed = false;
  const search = async () => {
    const query = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) query.set(name, input.value.trim());
    if (outcome.value) query.set("outcome", outcome.value);
    try {
      const { records } = await session.request("GET", `/api/audit?${query}`);
      if (!closed) show(records);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (!closed) replaceChildren(results, h("p", { class: "field__error", role: "alert", "data-testid": "audit-error" }, error.message));
    }
  };
  const show = (records) => {
    if (records.length === 0) {
      replaceChildren(results, i18n.text(h("p", { class: "desk-message" }), "audit.empty"));
      return;
    }
    const rows = records.map((record) =>
      h(
        "tr",
        { "data-testid": "audit-row", "data-action": record.action, "data-outcome": record.outcome },
        h("td", {}, i18n.dateTime(record.at_ms)),
        h("td", {}, `${record.actor_id} (${record.actor_role || "—"})`),
        h("td", {}, record.action),
        h("td", {}, `${record.object_type} ${record.object_id}`),
        i18n.text(h("td", { class: `audit-outcome audit-outcome--${record.outcome}` }), `audit.outcome.${record.outcome}`),
        h("td", {}, record.address || "—"),
      ),
    );
    replaceChildren(
      results,
      i18n.text(h("p", { class: "audit-count" }), "audit.count", { count: records.length }),
      h("table", { class: "data-table" }, h("thead", {}, h("tr", {}, COLUMNS.map((c) => i18n.text(h("th"), `audit.col.${c}`)))), h("tbody", {}, rows)),
    );
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  replaceChildren(root, h("section", { class: "audit", "data-testid": "audit-page" }, i18n.text(h("h1", { class: "desk-title" }), "audit.title"), form, results));
  search();
  return {
    close() {
      closed = true;
    },
  };
}

function field(i18n, key, input) {
  return h("label", { class: "field" }, i18n.text(h("span", { class: "field__label" }), key), input);
}
