// The lightbox: one image at a time at full size, beside what made it. ← and → step through
// the gallery (loading the next page at the end), Esc closes. Editors caption, reorder and
// remove items here; the page passes those actions in.

import { gettext as _, interpolate, pgettext } from "./i18n.js";
import { optionName, valueLabel } from "./option-labels.js";
import { clear, formatDateTime, h, preload } from "./util.js";

export class Lightbox {
  constructor({ dialog, grid, actions = null, canReorder = () => false, flag = null }) {
    Object.assign(this, { dialog, grid, actions, canReorder, flag });
    this.index = -1;
    // On the document, not the dialog: a step re-renders the dialog, and a click may leave
    // the focus outside it.
    document.addEventListener("keydown", (event) => {
      if (dialog.open) this.keydown(event);
    });
    dialog.addEventListener("close", () => {
      this.index = -1;
      clear(dialog);
    });
    // A click on the backdrop (the dialog itself, outside its content) closes it.
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
  }

  get item() {
    return this.grid.items[this.index] || null;
  }

  open(index) {
    if (index < 0) return;
    this.show(index);
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector(".lightbox-next, .lightbox-close")?.focus();
  }

  show(index) {
    this.index = index;
    this.render();
  }

  async step(offset) {
    let target = this.index + offset;
    if (target >= this.grid.items.length && this.grid.hasMore) {
      await this.grid.loadMore();
    }
    target = Math.max(0, Math.min(target, this.grid.items.length - 1));
    if (target !== this.index) this.show(target);
  }

  keydown(event) {
    if (/INPUT|TEXTAREA|SELECT/.test(event.target.tagName)) return;
    if (event.key === "ArrowRight") {
      event.preventDefault();
      this.step(1);
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      this.step(-1);
    }
  }

  /** Show the item again after it changed (or close when it is gone). */
  refresh() {
    if (!this.grid.items.length) this.dialog.close();
    else this.show(Math.min(this.index, this.grid.items.length - 1));
  }

  render() {
    const item = this.item;
    if (!item) return;
    const focused = this.dialog.contains(document.activeElement) ? document.activeElement : null;
    const keep = [...(focused?.classList || [])].find((name) => name.startsWith("lightbox-"));
    const last = this.index === this.grid.items.length - 1 && !this.grid.hasMore;
    const picture = h("img.lightbox-image", { src: item.thumbnail_url, alt: item.caption || item.prompt,
      width: item.width, height: item.height });
    showFullSize(picture, item);
    clear(this.dialog).append(
      h("div.lightbox-stage", {}, picture,
        h("button.btn.icon.lightbox-prev", { type: "button", "aria-label": _("Previous image"), title: _("Previous (←)"),
          disabled: this.index === 0, onclick: () => this.step(-1) }, "‹"),
        h("button.btn.icon.lightbox-next", { type: "button", "aria-label": _("Next image"), title: _("Next (→)"),
          disabled: last, onclick: () => this.step(1) }, "›")),
      h("aside.lightbox-info", {},
        h("header.lightbox-head", {},
          h("span.lightbox-count", { text: this.counter() }),
          h("button.btn.icon.lightbox-close", { type: "button", "aria-label": _("Close"), title: _("Close (Esc)"),
            onclick: () => this.dialog.close() }, "×")),
        this.renderCaption(item),
        details(item),
        this.renderActions(item)));
    // Keep the focus where it was (on "next" while stepping through), not lost with the old nodes.
    if (keep) (this.dialog.querySelector(`.${keep}:not(:disabled)`) || this.dialog.querySelector(".lightbox-close")).focus();
  }

  counter() {
    const total = `${this.grid.items.length}${this.grid.hasMore ? "+" : ""}`;
    return interpolate(_("%(number)s of %(total)s"), { number: this.index + 1, total }, true);
  }

  renderCaption(item) {
    if (!this.actions) return item.caption ? h("p.lightbox-caption", { text: item.caption }) : null;
    const input = h("textarea.caption-input", { rows: 2, maxlength: 500, "aria-label": _("Caption"),
      placeholder: _("Add a caption…") });
    input.value = item.caption;
    const error = h("p.field-error", { role: "alert", hidden: true });
    const save = h("button.btn.small", { type: "button", onclick: async () => {
      error.hidden = true;
      try {
        await this.actions.caption(item, input.value);
      } catch (failure) {
        error.textContent = failure.message;
        error.hidden = false;
      }
    } }, _("Save caption"));
    return h("div.caption-editor", {}, input, h("div.row", {}, save), error);
  }

  renderActions(item) {
    const buttons = [
      h("a.btn.small.lightbox-download", { href: item.download_url, download: "" }, _("Download")),
      h("a.btn.small", { href: item.url, target: "_blank", rel: "noopener" }, _("Open full size")),
      item.turn_url ? h("a.btn.small", { href: item.turn_url }, _("Open its turn")) : null,
    ];
    if (this.actions && this.canReorder()) {
      buttons.push(
        h("button.btn.small", { type: "button", disabled: this.index === 0,
          onclick: () => this.actions.move(item, -1) }, _("Move earlier")),
        h("button.btn.small", { type: "button", disabled: this.index === this.grid.items.length - 1,
          onclick: () => this.actions.move(item, 1) }, _("Move later")));
    }
    if (this.actions) {
      buttons.push(h("button.btn.small.danger", { type: "button", onclick: () => this.actions.remove(item) },
        _("Remove from gallery")));
    }
    if (this.flag) {
      buttons.push(h("button.btn.small.ghost", { type: "button", onclick: () => this.flag(item) }, _("Flag")));
    }
    return h("div.lightbox-actions", {}, buttons);
  }
}

function details(item) {
  const rows = [
    [_("Prompt"), item.prompt],
    [_("Revised prompt"), item.revised_prompt],
    [_("Model"), item.model],
    [_("Options"), formatOptions(item.options)],
    [_("Size"), `${item.width}×${item.height} ${(item.format || "").toUpperCase()}`],
    [_("Added by"), item.added_by],
    [pgettext("added to the gallery", "Added"), item.added_at ? formatDateTime(item.added_at) : null],
  ];
  return h("dl.lightbox-details", {}, rows.filter(([, value]) => value).flatMap(([label, value]) => [
    h("dt", { text: label }), h("dd", { text: value }),
  ]));
}

function formatOptions(options) {
  const entries = Object.entries(options || {}).filter(([, value]) => value !== null && value !== "");
  return entries.map(([key, value]) => interpolate(_("%(name)s: %(value)s"),
    { name: optionName(key), value: valueLabel(key, value) }, true)).join(" · ");
}

/** Start with the thumbnail (already cached) and swap in the full image once it decoded. */
async function showFullSize(picture, item) {
  const full = await preload(item.url);
  if (full && picture.isConnected && picture.getAttribute("src") === item.thumbnail_url) {
    picture.src = item.url;
    picture.dataset.full = "1";
  }
}
