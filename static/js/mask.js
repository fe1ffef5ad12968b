// The mask editor: paint over an image what should change. Brush and eraser with a size
// slider, undo/redo, clear and invert; exported as a PNG of the image's natural size whose
// painted area is transparent and the rest opaque (the OpenAI mask convention).

import { gettext as _ } from "./i18n.js";
import { clear, h } from "./util.js";

const HISTORY_LIMIT = 30;
const PAINT = "rgba(255, 64, 129, 1)";

export class MaskEditor {
  constructor(dialog) {
    this.dialog = dialog;
    this.onDone = null;
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      this.close();
    });
    dialog.addEventListener("keydown", (event) => this.shortcut(event));
  }

  /** Open the editor on ``image`` (turn image JSON); ``onDone({blob, preview})`` on apply. */
  open(image, onDone) {
    this.onDone = onDone;
    this.image = image;
    this.tool = "brush";
    this.size = 48;
    this.undoStack = [];
    this.redoStack = [];
    this.build();
    this.dialog.showModal();
  }

  build() {
    const { width, height } = this.image;
    this.canvas = h("canvas.mask-canvas", { width, height, "aria-label": _("Mask: paint what should change") });
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    this.cursor = h("div.brush-cursor", { "aria-hidden": "true" });
    this.stage = h("div.mask-stage", { style: `aspect-ratio: ${width} / ${height}; width: min(100%, calc(66vh * ${width / height}))` },
      h("img", { src: this.image.url, alt: _("Image being masked"), draggable: false }), this.canvas, this.cursor);
    this.sizeInput = h("input#mask-size", { type: "range", min: 4, max: 200, value: String(this.size),
      oninput: (e) => { this.size = Number(e.target.value); } });
    this.toolButtons = {
      brush: h("button.btn.small", { type: "button", "aria-pressed": "true", onclick: () => this.setTool("brush"),
        title: _("Brush (B)") }, _("Brush")),
      eraser: h("button.btn.small", { type: "button", "aria-pressed": "false", onclick: () => this.setTool("eraser"),
        title: _("Eraser (E)") }, _("Eraser")),
    };
    this.undoButton = h("button.btn.small", { type: "button", onclick: () => this.undo(), title: _("Undo (Ctrl+Z)") }, _("Undo"));
    this.redoButton = h("button.btn.small", { type: "button", onclick: () => this.redo(), title: _("Redo (Ctrl+Shift+Z)") }, _("Redo"));
    clear(this.dialog);
    this.dialog.append(
      h("header.modal-head", {},
        h("h2#mask-title", { text: _("Paint what should change") }),
        h("button.btn.icon", { type: "button", "aria-label": _("Close"), onclick: () => this.close() }, "×")),
      h("div.mask-toolbar", { role: "toolbar", "aria-label": _("Mask tools") },
        this.toolButtons.brush, this.toolButtons.eraser,
        h("label.size-label", { for: "mask-size" }, _("Brush size")), this.sizeInput,
        this.undoButton, this.redoButton,
        h("button.btn.small", { type: "button", onclick: () => this.clearMask() }, _("Clear")),
        h("button.btn.small", { type: "button", onclick: () => this.invert() }, _("Invert"))),
      this.stage,
      h("footer.modal-foot", {},
        h("span.help", { text: _("Painted areas are regenerated; the rest is kept.") }),
        h("button.btn", { type: "button", onclick: () => this.close() }, _("Cancel")),
        h("button.btn.primary#mask-apply", { type: "button", onclick: () => this.apply() }, _("Use mask"))),
    );
    this.bindPointer();
    this.updateButtons();
  }

  bindPointer() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      c.setPointerCapture(event.pointerId);
      this.snapshot();
      this.drawing = true;
      this.last = this.point(event);
      this.stroke(this.last, this.last);
    });
    c.addEventListener("pointermove", (event) => {
      this.moveCursor(event);
      if (!this.drawing) return;
      const next = this.point(event);
      this.stroke(this.last, next);
      this.last = next;
    });
    const end = () => {
      this.drawing = false;
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
    c.addEventListener("pointerleave", () => { this.cursor.hidden = true; });
  }

  scale() {
    const rect = this.canvas.getBoundingClientRect();
    return this.canvas.width / Math.max(1, rect.width);
  }

  point(event) {
    const rect = this.canvas.getBoundingClientRect();
    const s = this.scale();
    return { x: (event.clientX - rect.left) * s, y: (event.clientY - rect.top) * s };
  }

  moveCursor(event) {
    const rect = this.stage.getBoundingClientRect();
    this.cursor.hidden = false;
    this.cursor.style.width = this.cursor.style.height = `${this.size}px`;
    this.cursor.style.transform = `translate(${event.clientX - rect.left - this.size / 2}px, ${event.clientY - rect.top - this.size / 2}px)`;
  }

  stroke(from, to) {
    const ctx = this.ctx;
    ctx.save();
    ctx.globalCompositeOperation = this.tool === "eraser" ? "destination-out" : "source-over";
    ctx.strokeStyle = PAINT;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.lineWidth = this.size * this.scale();
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
    ctx.restore();
  }

  snapshot() {
    this.undoStack.push(this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height));
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.updateButtons();
  }

  restore(from, to) {
    const state = from.pop();
    if (!state) return;
    to.push(this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height));
    this.ctx.putImageData(state, 0, 0);
    this.updateButtons();
  }

  undo() {
    this.restore(this.undoStack, this.redoStack);
  }

  redo() {
    this.restore(this.redoStack, this.undoStack);
  }

  clearMask() {
    this.snapshot();
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  invert() {
    this.snapshot();
    const data = this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
    const px = data.data;
    for (let i = 0; i < px.length; i += 4) {
      const alpha = 255 - px[i + 3];
      px[i] = 255;
      px[i + 1] = 64;
      px[i + 2] = 129;
      px[i + 3] = alpha;
    }
    this.ctx.putImageData(data, 0, 0);
  }

  setTool(tool) {
    this.tool = tool;
    for (const [name, button] of Object.entries(this.toolButtons)) button.setAttribute("aria-pressed", String(name === tool));
  }

  updateButtons() {
    this.undoButton.disabled = !this.undoStack.length;
    this.redoButton.disabled = !this.redoStack.length;
  }

  shortcut(event) {
    if (event.target.tagName === "INPUT" && event.key !== "Escape") return;
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === "z") {
      event.preventDefault();
      if (event.shiftKey) this.redo();
      else this.undo();
    } else if ((event.ctrlKey || event.metaKey) && key === "y") {
      event.preventDefault();
      this.redo();
    } else if (key === "b") this.setTool("brush");
    else if (key === "e") this.setTool("eraser");
    else if (key === "[" || key === "]") {
      this.size = Math.max(4, Math.min(200, this.size + (key === "]" ? 8 : -8)));
      this.sizeInput.value = String(this.size);
    }
  }

  painted() {
    const px = this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height).data;
    for (let i = 3; i < px.length; i += 4) if (px[i]) return true;
    return false;
  }

  /** The painted strokes as an OpenAI mask: opaque everywhere, transparent where painted. */
  exportMask() {
    const out = document.createElement("canvas");
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext("2d");
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.globalCompositeOperation = "destination-out";
    ctx.drawImage(this.canvas, 0, 0);
    return new Promise((resolve) => out.toBlob(resolve, "image/png"));
  }

  async apply() {
    if (!this.painted()) {
      this.dialog.querySelector(".modal-foot .help").textContent = _("Paint over the area to change first.");
      return;
    }
    const blob = await this.exportMask();
    const preview = await new Promise((resolve) => this.canvas.toBlob(resolve, "image/png"));
    const previewUrl = URL.createObjectURL(preview || blob);
    this.onDone?.({ blob, preview: previewUrl, url: previewUrl, width: this.canvas.width, height: this.canvas.height });
    this.close();
  }

  close() {
    this.dialog.close();
    clear(this.dialog);
  }
}
