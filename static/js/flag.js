// Flag an image for the site's staff to review: a reason from a fixed list and an optional note.

import { api } from "./api.js";
import { gettext as _ } from "./i18n.js";
import { clear, h } from "./util.js";

export class FlagDialog {
  constructor(dialog) {
    this.dialog = dialog;
    this.reasons = [];
    dialog.addEventListener("cancel", () => clear(dialog));
  }

  setReasons(reasons) {
    this.reasons = reasons || [];
  }

  // `send(reason, note)` files the flag; by default it flags the image of a turn.
  open(image, send = (reason, note) => api.flagImage(image.id, reason, note)) {
    clear(this.dialog);
    const reason = h("select#flag-reason", { name: "reason", required: true },
      h("option", { value: "" }, _("Choose a reason…")),
      this.reasons.map((r) => h("option", { value: r.value }, r.label)));
    const note = h("textarea#flag-note", { name: "note", rows: 3, maxlength: 1000,
      placeholder: _("Anything staff should know (optional)") });
    const status = h("p.help#flag-status", { role: "status" });
    const submit = h("button.btn.primary", { type: "submit" }, _("Send to review"));
    const form = h("form.flag-form", { onsubmit: async (event) => {
      event.preventDefault();
      if (!reason.value) {
        status.textContent = _("Choose a reason first.");
        return;
      }
      submit.disabled = true;
      try {
        await send(reason.value, note.value);
        clear(form);
        form.append(h("p#flag-done", { text: _("Thank you: the site’s staff will review this image.") }),
          h("div.modal-foot", {}, h("button.btn", { type: "button", onclick: () => this.close() }, _("Done"))));
      } catch (error) {
        status.textContent = error.message;
        submit.disabled = false;
      }
    } },
    h("div.flag-fields", {},
      h("label", { for: "flag-reason", text: _("Reason") }), reason,
      h("label", { for: "flag-note", text: _("Note") }), note, status),
    h("div.modal-foot", {}, h("span.help", { text: _("Reports are seen by staff only.") }),
      h("button.btn", { type: "button", onclick: () => this.close() }, _("Cancel")), submit));
    this.dialog.append(
      h("header.modal-head", {}, h("h2#flag-title", { text: _("Flag this image") }),
        h("button.btn.icon", { type: "button", "aria-label": _("Close"), onclick: () => this.close() }, "×")),
      form);
    this.dialog.showModal();
    reason.focus();
  }

  close() {
    this.dialog.close();
    clear(this.dialog);
  }
}
