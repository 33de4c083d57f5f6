/**
 * The consultation opinion as the case view shows it: read-only, once signed, with its
 * signer, time and the server's verification of the signature; before that, where it
 * stands, and for an expert who may write it the way to the editor
 * (`/cases/:id/opinion`).
 */

import { fact, facts } from "./case_facts.js";
import { h, replaceChildren } from "./dom.js";

const SECTIONS = ["summary", "imaging_review", "diagnosis", "recommendations"];

/** Renders the opinion card's content into `body` from the case's current data. */
export function renderOpinion(ctx, body, { referral, opinion, verification }) {
  const { i18n, session, navigate } = ctx;
  const mayWrite =
    session.allowed("write-opinion") && referral.status === "in-consultation" && !opinion?.signature;
  const write = mayWrite
    ? i18n.text(
        h("button", {
          type: "button",
          class: "btn btn--primary",
          "data-testid": "write-opinion",
          onclick: () => navigate(`/cases/${encodeURIComponent(referral.id)}/opinion`),
        }),
        "cases.opinion.write",
      )
    : null;
  if (!opinion?.signature) {
    let key = "cases.opinion.none";
    if (!referral.consultation_id) key = "cases.opinion.afterConsultation";
    else if (opinion) key = "cases.opinion.draft";
    replaceChildren(
      body,
      i18n.text(h("p", { class: "cases-muted", "data-testid": "opinion-state", "data-state": opinion ? "draft" : "none" }), key),
      write ? h("div", { class: "cases-form__actions" }, write) : null,
    );
    return;
  }
  const { content, signature } = opinion;
  replaceChildren(
    body,
    h(
      "article",
      { class: "opinion", "data-testid": "opinion", "data-state": "signed" },
      SECTIONS.filter((name) => content[name]).map((name) =>
        h(
          "section",
          { class: "opinion__section" },
          i18n.text(h("h3", { class: "opinion__heading" }), `cases.opinion.${name}`),
          h("p", { class: "opinion__text" }, content[name]),
        ),
      ),
      facts(
        fact(i18n, "cases.opinion.signer", [signature.signer_name, signature.signer_title ? `（${signature.signer_title}）` : ""]),
        fact(i18n, "cases.opinion.signedAt", i18n.dateTime(signature.signed_at_ms)),
        fact(
          i18n,
          "cases.opinion.recordings",
          i18n.text(h("span"), "cases.opinion.recordingCount", { n: signature.recording_manifest_sha256.length }),
        ),
        fact(i18n, "cases.opinion.verification", verificationBadge(i18n, verification)),
      ),
    ),
  );
}

function verificationBadge(i18n, verification) {
  if (!verification) {
    return i18n.text(h("span", { class: "case-status", "data-testid": "opinion-verification" }), "cases.opinion.unverified");
  }
  return h(
    "span",
    {},
    i18n.text(
      h("span", {
        class: `case-status case-status--${verification.ok ? "returned" : "declined"}`,
        "data-testid": "opinion-verification",
        "data-ok": verification.ok ? "true" : "false",
      }),
      verification.ok ? "cases.opinion.valid" : "cases.opinion.invalid",
    ),
    verification.problems.length
      ? h("ul", { class: "opinion__problems" }, verification.problems.map((p) => h("li", {}, p)))
      : null,
  );
}
