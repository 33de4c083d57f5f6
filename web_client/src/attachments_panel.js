/**
 * The case's attachments: the list (download a file; a CT study is shown on the
 * consultation's viewer, not downloaded), uploading a PDF or photo (multipart field
 * `file`, its type judged by the server from its content) and uploading the patient's
 * CT study (one DICOM file or a zip of one series, as the body, with its description).
 * Both uploads show their progress.
 */

import { h, replaceChildren } from "./dom.js";
import { saveAttachment } from "./file_download.js";
import { checkRequired, clearFieldErrors, formField, showFieldError } from "./form_field.js";
import { clearRefusal, showRefusal } from "./refusal.js";
import { postWithProgress } from "./upload.js";

const FILE_TYPES = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";
const STUDY_TYPES = ".dcm,.zip,application/dicom,application/zip";

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
    this.#error = h("p", { class: "refusal", role: "alert", "data-testid": "attachment-error", hidden: true });
    this.#actions = h("div", { class: "attachment-actions" }, this.#fileForm(), this.#studyForm());
    this.element = h(
      "section",
      { class: "case-card", "data-testid": "attachments" },
      i18n.text(h("h2", { class: "case-card__title" }), "attach.title"),
      this.#list,
      this.#error,
      this.#actions,
    );
  }

  get #base() {
    return `/api/referrals/${encodeURIComponent(this.#caseId)}`;
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
    const details = [formatSize(attachment.size_bytes), who, i18n.dateTime(attachment.uploaded_at_ms)].filter(Boolean);
    return h(
      "li",
      { class: "attachment", "data-testid": "attachment", "data-attachment-id": attachment.id, "data-kind": attachment.kind },
      i18n.text(h("span", { class: `attachment__kind attachment__kind--${attachment.kind}` }), `attach.kind.${attachment.kind}`),
      h(
        "span",
        { class: "attachment__text" },
        h("span", { class: "attachment__name" }, attachment.description),
        h("span", { class: "cases-muted attachment__meta", "data-testid": "attachment-meta" }, details.join(" · ")),
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
    try {
      await saveAttachment(this.#ctx.session, this.#caseId, attachment);
    } catch (error) {
      if (!this.#closed) showRefusal(this.#ctx.i18n, this.#error, error);
    }
  }

  async #post(path, body, options) {
    return postWithProgress(path, body, { ...options, token: await this.#ctx.session.accessToken() });
  }

  /** A PDF or photo, sent as multipart field `file`. */
  #fileForm() {
    return this.#uploadForm({
      testid: "attachment",
      accept: FILE_TYPES,
      fileKey: "attach.file",
      fileHintKey: "attach.fileHint",
      submitKey: "attach.upload",
      send: (file, _texts, onProgress) => {
        const data = new FormData();
        data.append("file", file, file.name);
        return this.#post(`${this.#base}/attachments`, data, { onProgress });
      },
    });
  }

  /** The CT study: the DICOM file or the zip of a series is the body itself. */
  #studyForm() {
    const { i18n } = this.#ctx;
    const description = h("input", { type: "text", class: "input", maxLength: 200, "data-testid": "study-description" });
    const form = this.#uploadForm({
      testid: "study",
      accept: STUDY_TYPES,
      fileKey: "attach.studyFile",
      fileHintKey: "attach.studyFileHint",
      submitKey: "attach.uploadStudy",
      texts: { description: { control: description, labelKey: "attach.studyDescription" } },
      send: (file, texts, onProgress) => {
        const query = new URLSearchParams({ description: texts.description });
        const contentType = file.name.toLowerCase().endsWith(".zip") ? "application/zip" : "application/dicom";
        return this.#post(`${this.#base}/studies?${query}`, file, { contentType, onProgress });
      },
      onSent: () => {
        details.open = false;
      },
    });
    const details = h(
      "details",
      { class: "case-disclosure" },
      i18n.text(h("summary", { "data-testid": "study-toggle" }), "attach.studyToggle"),
      form,
    );
    return details;
  }

  /**
   * A form that sends one chosen file, with required text fields `texts` (name →
   * `{control, labelKey}`), showing the upload's progress; `send(file, values, onProgress)`
   * makes the request. A refusal naming one of its fields shows at that field, any other
   * under the list. `onSent()` follows an accepted file.
   */
  #uploadForm({ testid, accept, fileKey, fileHintKey, submitKey, texts = {}, send, onSent = () => {} }) {
    const { i18n } = this.#ctx;
    const input = h("input", { type: "file", class: "input input--file", accept, "data-testid": `${testid}-file` });
    const progress = h("progress", { class: "attachment-progress", max: 1, value: 0, hidden: true, "data-testid": `${testid}-progress` });
    i18n.attr(progress, "aria-label", "attach.progress");
    const button = i18n.text(h("button", { type: "submit", class: "btn btn--secondary", "data-testid": `${testid}-upload` }), submitKey);
    const form = h(
      "form",
      {
        class: "attachment-form",
        noValidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          clearFieldErrors(form);
          clearRefusal(this.#error);
          const empty = (name) => (name === "file" ? !input.files?.length : !texts[name].control.value.trim());
          if (!checkRequired(i18n, form, empty)) return;
          const values = Object.fromEntries(Object.entries(texts).map(([name, { control }]) => [name, control.value.trim()]));
          button.disabled = true;
          progress.value = 0;
          progress.hidden = false;
          try {
            await send(input.files[0], values, (fraction) => {
              progress.value = fraction;
            });
            if (this.#closed) return;
            form.reset();
            onSent();
            this.#onChange();
          } catch (error) {
            if (this.#closed) return;
            if (!(error.field && showFieldError(i18n, form, error.field, error))) showRefusal(i18n, this.#error, error);
          } finally {
            button.disabled = false;
            progress.hidden = true;
          }
        },
      },
      h(
        "div",
        { class: "form-grid" },
        formField(i18n, { name: "file", labelKey: fileKey, control: input, required: true, hintKey: fileHintKey }),
        Object.entries(texts).map(([name, { control, labelKey }]) => formField(i18n, { name, labelKey, control, required: true })),
      ),
      h("div", { class: "cases-form__actions" }, progress, button),
    );
    return form;
  }

  close() {
    this.#closed = true;
  }
}

function formatSize(bytes) {
  if (bytes == null) return null;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
