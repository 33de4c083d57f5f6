/**
 * The desk's pages by address (the part after `#`). `:name` segments reach the page's
 * `mount(root, ctx, params)` as `params.name`; `title` is the string key of the tab title.
 */

import { mountAdmin } from "./admin_page.js";
import { mountAuditLog } from "./audit_page.js";
import { mountCaseList } from "./case_list.js";
import { mountCaseView } from "./case_view.js";
import { mountInbox } from "./inbox.js";
import { mountOpinionEditor } from "./opinion_editor.js";
import { mountReferralForm } from "./referral_form.js";
import { mountSchedule } from "./schedule.js";

export const ROUTES = [
  { pattern: "/admin", mount: mountAdmin, title: "admin.title" },
  { pattern: "/audit", mount: mountAuditLog, title: "audit.title" },
  { pattern: "/inbox", mount: mountInbox, title: "inbox.title" },
  { pattern: "/schedule", mount: mountSchedule, title: "schedule.title" },
  { pattern: "/cases/:id/opinion", mount: mountOpinionEditor, title: "opinion.title" },
  { pattern: "/cases", mount: mountCaseList, title: "cases.list.title" },
  { pattern: "/cases/:id", mount: mountCaseView, title: "cases.view.title" },
  { pattern: "/referrals/new", mount: mountReferralForm, title: "referral.pageTitle" },
];
