// Compare an image with its parent's: a before/after slider, or side by side.

import { gettext as _ } from "./i18n.js";
import { clear, h } from "./util.js";

export class CompareView {
  constructor(dialog) {
    this.dialog = dialog;
    dialog.addEventListener("cancel", () => clear(dialog));
  }

  open(before, after) {
    this.mode = "slider";
    this.before = before;
    this.after = after;
    this.render();
    this.dialog.showModal();
    this.dialog.querySelector("input[type=range], button")?.focus();
  }

  render() {
    const { before, after } = this;
    clear(this.dialog);
    const toggle = h("button.btn.small", { type: "button", onclick: () => {
      this.mode = this.mode === "slider" ? "side" : "slider";
      this.render();
    } }, this.mode === "slider" ? _("Side by side") : _("Slider"));
    let body;
    if (this.mode === "slider") {
      const top = h("img.compare-after", { src: after.url, alt: _("After") });
      const handle = h("div.compare-handle", { "aria-hidden": "true" });
      const slider = h("input.compare-range", { type: "range", min: 0, max: 100, value: 50,
        "aria-label": _("Reveal: before on the left, after on the right"),
        oninput: (e) => place(Number(e.target.value)) });
      const place = (value) => {
        top.style.clipPath = `inset(0 0 0 ${value}%)`;
        handle.style.left = `${value}%`;
      };
      body = h("div.compare-stage", { style: `aspect-ratio: ${after.width} / ${after.height}; width: min(100%, calc(75vh * ${after.width / after.height}))` },
        h("img.compare-before", { src: before.url, alt: _("Before") }), top, handle, slider,
        h("span.compare-label.left", { text: _("Before") }), h("span.compare-label.right", { text: _("After") }));
      place(50);
    } else {
      body = h("div.compare-side", {},
        h("figure", {}, h("img", { src: before.url, alt: _("Before") }), h("figcaption", { text: _("Before") })),
        h("figure", {}, h("img", { src: after.url, alt: _("After") }), h("figcaption", { text: _("After") })));
    }
    this.dialog.append(
      h("header.modal-head", {}, h("h2#compare-title", { text: _("Compare with the previous image") }), toggle,
        h("button.btn.icon", { type: "button", "aria-label": _("Close"), onclick: () => this.close() }, "×")),
      body);
  }

  close() {
    this.dialog.close();
    clear(this.dialog);
  }
}
