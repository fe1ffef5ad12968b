// "Add to gallery" on the studio page: pick one of the galleries you may change, add a
// caption, and the image joins it.

import { galleryApi } from "./gallery-api.js";
import { gettext as _, interpolate, pgettext } from "./i18n.js";
import { clear, h } from "./util.js";

export class GalleryPicker {
  constructor(dialog) {
    this.dialog = dialog;
    dialog.addEventListener("close", () => clear(dialog));
  }

  async open(image) {
    this.image = image;
    this.renderFrame([h("p.help", { role: "status", text: _("Loading your galleries…") })]);
    if (!this.dialog.open) this.dialog.showModal();
    let galleries;
    try {
      galleries = (await galleryApi.list({ editable: true })).galleries;
    } catch (error) {
      this.renderFrame([h("p.field-error", { role: "alert", text: error.message })]);
      return;
    }
    this.renderForm(galleries);
  }

  renderFrame(body) {
    clear(this.dialog).append(
      h("header.modal-head", {}, h("h2#gallery-picker-title", { text: _("Add to gallery") }),
        h("button.btn.icon", { type: "button", "aria-label": _("Close"), onclick: () => this.dialog.close() }, "×")),
      h("div.picker-body", {}, body));
  }

  renderForm(galleries) {
    if (!galleries.length) {
      this.renderFrame([h("p.help", {},
        _("You have no gallery to add to yet: galleries belong to teams, and their editors and owners add images."), " ",
        h("a", { href: "/galleries/" }, _("See your galleries")))]);
      return;
    }
    const select = h("select#picker-gallery", {}, galleries.map((gallery) =>
      h("option", { value: gallery.id }, `${gallery.name} · ${gallery.team.name}`)));
    const caption = h("textarea#picker-caption", { rows: 2, maxlength: 500, placeholder: _("Optional") });
    const error = h("p.field-error", { role: "alert", hidden: true });
    const form = h("form.picker-form", { onsubmit: async (event) => {
      event.preventDefault();
      error.hidden = true;
      const gallery = galleries.find((g) => g.id === Number(select.value));
      try {
        await galleryApi.addItem(gallery.id, this.image.id, caption.value);
      } catch (failure) {
        error.textContent = failure.message;
        error.hidden = false;
        return;
      }
      this.renderAdded(gallery);
    } },
    h("img.picker-thumb", { src: this.image.thumbnail_url, alt: "" }),
    h("label", { for: "picker-gallery" }, _("Gallery")), select,
    h("label", { for: "picker-caption" }, _("Caption")), caption,
    error,
    h("div.modal-foot", {}, h("button.btn.primary", { type: "submit" }, pgettext("add to a gallery", "Add"))));
    this.renderFrame([form]);
    select.focus();
  }

  renderAdded(gallery) {
    this.renderFrame([h("p.picker-done", { role: "status" },
      interpolate(_("Added to %(gallery)s."), { gallery: gallery.name }, true), " ",
      h("a", { href: gallery.url }, _("Open the gallery")))]);
  }
}
