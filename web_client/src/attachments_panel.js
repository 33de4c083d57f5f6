/**
 * The case's attachments: the list (download a file; a CT study is a reference to the
 * imaging service), uploading a PDF or photo (multipart field `file`, its type judged
 * by the server from its content) and attaching a CT study by its id.
 */

import { h, replaceChildren } from "./dom.js";
import { checkRequired, clearFieldErrors, formField, showFieldError } from "./form_field.js";
import { saveDownload } from "./file_download.js";
import { clearRefusal, showRefusal } from "./refusal.js";

const FILE_TYPES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";

export class AttachmentsPanel {
  #ctx;
  #caseId;
  #onChange;
  #list;
  #actions;
  #error;
  #attachments = [];
  #people = {};
  #canAdd = false;
  #closed = false;

  /** `onChange()` is called after an attachment was added (the case view reloads). */
  constructor(ctx, caseId, onChange) {
    this.#ctx = ctx;
    this.#caseId = caseId;
    this.#onChange = onChange;
    const { i18n } = ctx;
    this.#list = h("div", { class: "attachment-list", "data-testid": "attachment-list" });
    this.#error = h("p", { class: "cases-error", role: "alert", "data-testid": "attachment-error", hidden: true });
    this.#actions = h("div", { class: "attachment-actions" }, this.#uploadForm(), this.#studyForm());
    this.element = h(
      "section",
      { class: "case-card", "data-testid": "attachments" },
      i18n.text(h("h2", { class: "case-card__title" }), "attach.title"),
      this.#list,
      this.#error,
      this.#actions,
    );
  }

  /** Shows `attachments`; `canAdd` when the caller may add to this (still open) case. */
  update(attachments, { canAdd, people = {} }) {
    this.#attachments = attachments;
    this.#people = people;
    this.#canAdd = canAdd;
    this.render();
  }

  render() {
    const { i18n } = this.#ctx;
    this.#actions.hidden = !this.#canAdd;
    if (!this.#attachments.length) {
      replaceChildren(this.#list, i18n.text(h("p", { class: "cases-muted" }), "attach.none"));
      return;
    }
    replaceChildren(
      this.#list,
      h("ul", { class: "attachment-list__items" }, this.#attachments.map((a) => this.#item(a))),
    );
  }

  #item(attachment) {
    const { i18n } = this.#ctx;
    const study = attachment.kind === "ct-study";
    const who = this.#people[attachment.uploaded_by]?.real_name;
    const details = [
      study ? attachment.study_id : formatSize(attachment.size_bytes),
      who,
      i18n.dateTime(attachment.uploaded_at_ms),
    ].filter(Boolean);
    return h(
      "li",
      { class: "attachment", "data-testid": "attachment", "data-attachment-id": attachment.id, "data-kind": attachment.kind },
      i18n.text(h("span", { class: `attachment__kind attachment__kind--${attachment.kind}` }), `attach.kind.${attachment.kind}`),
      h(
        "span",
        { class: "attachment__text" },
        h("span", { class: "attachment__name" }, attachment.description),
        h("span", { class: "cases-muted attachment__meta" }, details.join(" · ")),
      ),
      study
        ? null
        : i18n.text(
            h("button", {
              type: "button",
              class: "link-button",
              "data-testid": "attachment-download",
              onclick: () => this.#download(attachment),
            }),
            "attach.download",
          ),
    );
  }

  async #download(attachment) {
    clearRefusal(this.#error);
    const path = `/api/referrals/${encodeURIComponent(this.#caseId)}/attachments/${encodeURIComponent(attachment.id)}`;
    const suffix = { pdf: ".pdf", jpeg: ".jpg", png: ".png" }[attachment.kind] ?? "";
    const name = attachment.description.toLowerCase().endsWith(suffix) ? attachment.description : `${attachment.id}${suffix}`;
    try {
      await saveDownload(this.#ctx.session, path, name);
    } catch (error) {
      if (!this.#closed) showRefusal(this.#ctx.i18n, this.#error, error);
    }
  }

  #uploadForm() {
    const { i18n, session } = this.#ctx;
    const input = h("input", { type: "file", class: "input input--file", accept: FILE_TYPES, "data-testid": "attachment-file" });
    const button = i18n.text(
      h("button", { type: "submit", class: "btn btn--secondary", "data-testid": "attachment-upload" }),
      "attach.upload",
    );
    const form = h(
      "form",
      {
        class: "attachment-form",
        noValidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          clearFieldErrors(form);
          clearRefusal(this.#error);
          if (!checkRequired(i18n, form, () => !input.files?.length)) return;
          const data = new FormData();
          data.append("file", input.files[0], input.files[0].name);
          button.disabled = true;
          try {
            await session.request("POST", `/api/referrals/${encodeURIComponent(this.#caseId)}/attachments`, { body: data });
            if (this.#closed) return;
            input.value = "";
            this.#onChange();
          } catch (error) {
            if (this.#closed) return;
            if (!(error.field && showFieldError(i18n, form, error.field, error))) showRefusal(i18n, this.#error, error);
          } finally {
            button.disabled = false;
          }
        },
      },
      formField(i18n, { name: "file", labelKey: "attach.file", control: input, required: true, hintKey: "attach.fileHint" }),
      h("div", { class: "cases-form__actions" }, button),
    );
    return form;
  }

  #studyForm() {
    const { i18n, session } = this.#ctx;
    const studyId = h("input", { type: "text", class: "input", maxLength: 128, "data-testid": "study-id" });
    const description = h("input", { type: "text", class: "input", maxLength: 200, "data-testid": "study-description" });
    const button = i18n.text(
      h("button", { type: "submit", class: "btn btn--secondary", "data-testid": "study-attach" }),
      "attach.attachStudy",
    );
    const form = h(
      "form",
      {
        class: "attachment-form",
        noValidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          clearFieldErrors(form);
          clearRefusal(this.#error);
          const controls = { study_id: studyId, description };
          if (!checkRequired(i18n, form, (name) => !controls[name].value.trim())) return;
          button.disabled = true;
          try {
            await session.request("POST", `/api/referrals/${encodeURIComponent(this.#caseId)}/studies`, {
              json: { study_id: studyId.value.trim(), description: description.value.trim() },
            });
            if (this.#closed) return;
            studyId.value = "";
            description.value = "";
            details.open = false;
            this.#onChange();
          } catch (error) {
            if (this.#closed) return;
            if (!(error.field && showFieldError(i18n, form, error.field, error))) showRefusal(i18n, this.#error, error);
          } finally {
            button.disabled = false;
          }
        },
      },
      h(
        "div",
        { class: "form-grid" },
        formField(i18n, { name: "study_id", labelKey: "attach.studyId", control: studyId, required: true, hintKey: "attach.studyIdHint" }),
        formField(i18n, { name: "description", labelKey: "attach.studyDescription", control: description, required: true }),
      ),
      h("div", { class: "cases-form__actions" }, button),
    );
    const details = h(
      "details",
      { class: "case-disclosure" },
      i18n.text(h("summary", { "data-testid": "study-toggle" }), "attach.studyToggle"),
      form,
    );
    return details;
  }

  close() {
    this.#closed = true;
  }
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
