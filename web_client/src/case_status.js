/**
 * A referral's status (rooms/referral.py `ReferralStatus`) as people read it, on every
 * page that shows a case (the case list and view, the inbox, the schedule):
 * 待受理 / 已接受 / 已拒绝 / 会诊中 / 已完成.
 */

import { h } from "./dom.js";

export const STATUSES = ["submitted", "accepted", "declined", "in-consultation", "returned"];

/** The chip showing `status`; it follows a language switch. */
export function statusChip(i18n, status) {
  const known = STATUSES.includes(status) ? status : "unknown";
  return i18n.text(
    h("span", { class: `case-status case-status--${known}`, "data-testid": "case-status", "data-status": status }),
    `cases.status.${known}`,
  );
}

/** The time that matters for a case in a list: the scheduled time once accepted,
 * else the proposed one. `{key, ms}`. */
export function caseTime(referral) {
  if (referral.scheduled_at_ms) return { key: "cases.time.scheduled", ms: referral.scheduled_at_ms };
  return { key: "cases.time.proposed", ms: referral.proposed_at_ms };
}
