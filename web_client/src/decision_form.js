/**
 * The coordinator's decision on a submitted referral: accept it (the experts, the
 * time and the duration of the consultation) or decline it with the reason the
 * regulation requires (不接受的说明理由).
 *
 * The form hints at what is missing but always lets the server decide: its refusal
 * (an empty reason, an expert of another institution, a case someone else decided)
 * is what the coordinator reads.
 */

import { h, replaceChildren } from "./dom.js";
import { isoInstant, localInputValue } from "./form_field.js";
import { refusalNote } from "./refusal.js";

/** A field the server refuses is named in its message, which the sentence quotes. */
const OWN_WORDS = { "field-required": "inbox.decision.notSent", "field-invalid": "inbox.decision.notSent" };

/**
 * The form for `referral`, offering `experts` (the institution's, requested ones
 * ticked). `onDecided(referral)` gets the server's updated referral.
 */
export function decisionForm({ i18n, session }, referral, experts, onDecided) {
  const requested = new Set(referral.requested_expert_ids);
  const errorArea = h("div", { class: "decision__error", "data-testid": "decision-error", "aria-live": "polite" });
  const boxes = experts.map((expert) =>
    h("input", {
      type: "checkbox",
      value: expert.id,
      checked: requested.has(expert.id),
      "data-testid": "decision-expert",
      "data-expert-id": expert.id,
    }),
  );
  const expertRows = experts.map((expert, i) =>
    h(
      "label",
      { class: "decision__expert" },
      boxes[i],
      h("span", { class: "decision__expert-name" }, expert.real_name),
      h("span", { class: "decision__expert-meta" }, [expert.title, expert.specialty].filter(Boolean).join(" · ")),
      requested.has(expert.id) ? i18n.text(h("span", { class: "hospital-chip hospital-chip--soft" }), "inbox.decision.requested") : null,
    ),
  );
  const time = h("input", {
    type: "datetime-local",
    class: "field__input",
    id: `decision-time-${referral.id}`,
    value: referral.proposed_at_ms ? localInputValue(referral.proposed_at_ms) : "",
    "data-testid": "decision-time",
  });
  const duration = h("input", {
    type: "number",
    class: "field__input decision__duration",
    id: `decision-duration-${referral.id}`,
    min: 10,
    max: 480,
    step: 5,
    value: 60,
    "data-testid": "decision-duration",
  });
  const reason = h("textarea", {
    class: "field__input",
    id: `decline-reason-${referral.id}`,
    rows: 3,
    maxLength: 2000,
    "aria-required": "true",
    "data-testid": "decline-reason",
  });
  i18n.attr(reason, "placeholder", "inbox.decision.reasonPlaceholder");
  const hint = i18n.text(
    h("p", { class: "hospital-hint hospital-hint--warn", "data-testid": "decline-hint", hidden: true }),
    "inbox.decision.reasonHint",
  );
  reason.addEventListener("input", () => {
    if (reason.value.trim()) hint.hidden = true;
  });
  const acceptButton = i18n.text(
    h("button", { class: "btn btn--primary", type: "button", "data-testid": "decision-accept" }),
    "inbox.decision.accept",
  );
  const declineButton = i18n.text(
    h("button", { class: "btn btn--secondary hospital-btn--danger", type: "button", "data-testid": "decision-decline" }),
    "inbox.decision.decline",
  );

  async function send(path, json) {
    replaceChildren(errorArea);
    acceptButton.disabled = declineButton.disabled = true;
    try {
      onDecided(await session.request("POST", `/api/referrals/${encodeURIComponent(referral.id)}/${path}`, { json }));
    } catch (error) {
      // The field the server names is the one to correct.
      const fields = { expert_ids: boxes[0], scheduled_at: time, duration_minutes: duration, reason };
      for (const [name, control] of Object.entries(fields)) {
        control?.setAttribute("aria-invalid", String(error?.field === name));
      }
      replaceChildren(errorArea, refusalNote(i18n, error, "decision-refusal", OWN_WORDS));
      acceptButton.disabled = declineButton.disabled = false;
    }
  }

  acceptButton.addEventListener("click", () =>
    send("accept", {
      expert_ids: boxes.filter((box) => box.checked).map((box) => box.value),
      scheduled_at: isoInstant(time.value),
      duration_minutes: Number.parseInt(duration.value, 10) || duration.value,
    }),
  );
  declineButton.addEventListener("click", () => {
    // The hint says what is missing; the server still decides, and its refusal shows.
    hint.hidden = Boolean(reason.value.trim());
    send("decline", { reason: reason.value });
  });

  const field = (labelKey, control, forId) =>
    h("div", { class: "hospital-field" }, i18n.text(h("label", { class: "hospital-field__label", for: forId }), labelKey), control);

  return h(
    "section",
    { class: "decision", "data-testid": "decision-form", "data-case-id": referral.id },
    i18n.text(h("h3", { class: "hospital-section-title" }), "inbox.decision.title"),
    h(
      "div",
      { class: "decision__columns" },
      h(
        "fieldset",
        { class: "decision__part" },
        i18n.text(h("legend", { class: "decision__legend" }), "inbox.decision.acceptTitle"),
        i18n.text(h("p", { class: "hospital-field__label" }), "inbox.decision.experts"),
        experts.length
          ? h("div", { class: "decision__experts", role: "group" }, expertRows)
          : i18n.text(h("p", { class: "hospital-hint" }), "inbox.decision.noExperts"),
        h("div", { class: "decision__when" }, field("inbox.decision.time", time, time.id), field("inbox.decision.duration", duration, duration.id)),
        h("div", { class: "decision__actions" }, acceptButton),
      ),
      h(
        "fieldset",
        { class: "decision__part" },
        i18n.text(h("legend", { class: "decision__legend" }), "inbox.decision.declineTitle"),
        field("inbox.decision.reason", reason, reason.id),
        hint,
        h("div", { class: "decision__actions" }, declineButton),
      ),
    ),
    errorArea,
  );
}
