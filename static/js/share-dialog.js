// Public links of one gallery, for the team's owners: make a read-only link (with an optional
// expiry), copy it, revoke it.

import { galleryApi } from "./gallery-api.js";
import { gettext as _, interpolate } from "./i18n.js";
import { clear, formatDateTime, h } from "./util.js";

const EXPIRY_CHOICES = [
  ["", _("Never expires")],
  ["1", _("Expires in 1 day")],
  ["7", _("Expires in 7 days")],
  ["30", _("Expires in 30 days")],
];
const DAY_MS = 24 * 60 * 60 * 1000;

export class ShareDialog {
  constructor({ dialog, galleryId }) {
    Object.assign(this, { dialog, galleryId });
    this.links = [];
    this.error = "";
  }

  async open() {
    this.error = "";
    try {
      this.links = (await galleryApi.links(this.galleryId)).links;
    } catch (error) {
      this.links = [];
      this.error = error.message;
    }
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
  }

  render() {
    const expiry = h("select#link-expiry", { "aria-label": _("Expiry") },
      EXPIRY_CHOICES.map(([value, label]) => h("option", { value }, label)));
    const create = h("form.share-create", { onsubmit: (event) => {
      event.preventDefault();
      this.create(expiry.value);
    } }, expiry, h("button.btn.primary.small", { type: "submit" }, _("Create link")));
    const open = this.links.filter((link) => link.is_open);
    clear(this.dialog).append(
      h("header.modal-head", {}, h("h2#share-title", { text: _("Public links") }),
        h("button.btn.icon", { type: "button", "aria-label": _("Close"), onclick: () => this.dialog.close() }, "×")),
      h("div.share-body", {},
        h("p.help", { text: _("Anyone with a link sees this gallery’s images, captions and prompts, read-only and without an account, until you revoke it or it expires.") }),
        create,
        this.error ? h("p.field-error", { role: "alert", text: this.error }) : null,
        open.length ? h("ul.share-links", {}, open.map((link) => this.renderLink(link)))
          : h("p.gallery-note", { text: _("No open links.") })));
  }

  renderLink(link) {
    const url = new URL(link.url, location.origin).href;
    const by = link.created_by || _("someone");
    const about = link.expires_at
      ? interpolate(_("expires %(date)s · made by %(name)s"), { date: formatDateTime(link.expires_at), name: by }, true)
      : interpolate(_("never expires · made by %(name)s"), { name: by }, true);
    return h("li.share-link", { dataset: { linkId: link.id } },
      h("input", { type: "text", value: url, readonly: true, "aria-label": _("Public link"),
        onfocus: (event) => event.target.select() }),
      h("span.help", { text: about }),
      h("button.btn.small", { type: "button", onclick: (event) => copy(url, event.currentTarget) }, _("Copy")),
      h("button.btn.small.danger", { type: "button", onclick: () => this.revoke(link) }, _("Revoke")));
  }

  async create(days) {
    const expiresAt = days ? new Date(Date.now() + Number(days) * DAY_MS).toISOString() : null;
    await this.run(() => galleryApi.createLink(this.galleryId, expiresAt));
  }

  async revoke(link) {
    if (!window.confirm(_("Revoke this link? Anyone using it loses access at once."))) return;
    await this.run(() => galleryApi.revokeLink(this.galleryId, link.id));
  }

  async run(change) {
    try {
      await change();
    } catch (error) {
      this.error = error.message;
      this.render();
      return;
    }
    await this.open();
  }
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = _("Copied");
  } catch {
    button.textContent = _("Select and copy");
  }
}
