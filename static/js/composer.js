// The composer: prompt, reference images (picker, drag-and-drop, paste), the turn it continues
// from, an optional mask, and sending the turn.

import { api } from "./api.js";
import { gettext as _, interpolate, ngettext, pgettext } from "./i18n.js";
import { finals } from "./tree.js";
import { clear, h, truncate, withQuote } from "./util.js";

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"];
const MAX_REFERENCES = 16;

export class Composer {
  constructor({ form, tree, options, getConversationId, onSent }) {
    this.form = form;
    this.tree = tree;
    this.options = options;
    this.getConversationId = getConversationId;
    this.onSent = onSent;
    this.prompt = form.querySelector("#prompt");
    this.sendButton = form.querySelector("#send");
    this.fileInput = form.querySelector("#reference-input");
    this.referenceList = form.querySelector("#reference-list");
    this.context = form.querySelector("#composer-context");
    this.errorEl = form.querySelector("#composer-error");
    this.references = []; // {file, url}
    this.explicitParentId = null; // set by "edit from here"
    this.detached = false; // "start over": no parent
    this.mask = null; // {blob, url, turnId, width, height}
    this.editingId = null; // "Edit": the turn whose prompt is sent again as a new version
    this.history = null; // browsing earlier prompts with ↑/↓: {items, index, draft}
    this.sentPrompts = []; // this page's prompts, newest first, across conversations
    this.sending = false;
    this.bind();
  }

  bind() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.prompt.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      } else if ((event.key === "ArrowUp" || event.key === "ArrowDown") && !event.shiftKey
        && !event.altKey && !event.isComposing && this.browseHistory(event.key === "ArrowUp" ? 1 : -1)) {
        event.preventDefault();
      }
    });
    // A phone has room for a short placeholder only; a clipped one reads as broken.
    const narrow = window.matchMedia("(max-width: 520px)");
    const long = this.prompt.placeholder;
    const fitPlaceholder = () => {
      this.prompt.placeholder = narrow.matches ? this.prompt.dataset.shortPlaceholder || long : long;
    };
    narrow.addEventListener("change", fitPlaceholder);
    fitPlaceholder();
    this.prompt.addEventListener("input", () => {
      this.history = null; // typing ends browsing: the text is the person's now
      this.autosize();
    });
    this.form.querySelector("#add-reference").addEventListener("click", () => this.fileInput.click());
    this.fileInput.addEventListener("change", () => {
      this.addFiles([...this.fileInput.files]);
      this.fileInput.value = "";
    });
    this.form.addEventListener("paste", (event) => {
      const files = [...(event.clipboardData?.files || [])].filter((f) => IMAGE_TYPES.includes(f.type));
      if (files.length) {
        event.preventDefault();
        this.addFiles(files);
      }
    });
    const zone = this.form.closest(".workspace") || this.form;
    zone.addEventListener("dragover", (event) => {
      if ([...(event.dataTransfer?.types || [])].includes("Files")) {
        event.preventDefault();
        this.form.classList.add("dropping");
      }
    });
    zone.addEventListener("dragleave", (event) => {
      if (!zone.contains(event.relatedTarget)) this.form.classList.remove("dropping");
    });
    zone.addEventListener("drop", (event) => {
      if (!event.dataTransfer?.files?.length) return;
      event.preventDefault();
      this.form.classList.remove("dropping");
      this.addFiles([...event.dataTransfer.files]);
    });
  }

  autosize() {
    this.prompt.style.height = "auto";
    this.prompt.style.height = `${Math.min(this.prompt.scrollHeight, 220)}px`;
  }

  focus() {
    this.prompt.focus();
  }

  setPrompt(text) {
    this.prompt.value = text;
    this.autosize();
    this.prompt.focus();
  }

  /** Earlier prompts, newest first: this conversation's, then the ones sent from this page. */
  pastPrompts() {
    const turns = [...this.tree.turns.values()].sort((a, b) => b.id - a.id).map((t) => t.prompt);
    return [...new Set([...turns, ...this.sentPrompts].filter(Boolean))];
  }

  /** ↑ (step 1) and ↓ (step -1) through earlier prompts, as a shell does; true if handled. */
  browseHistory(step) {
    const value = this.prompt.value;
    const browsing = this.history && value === this.history.items[this.history.index];
    // Only from an empty prompt or while browsing: ↑ in a draft still moves the caret.
    if (!browsing && value.trim()) return false;
    if (!browsing) {
      if (step < 0) return false;
      this.history = { items: this.pastPrompts(), index: -1, draft: value };
    }
    const index = this.history.index + step;
    if (index >= this.history.items.length) return true;
    if (index < 0) {
      this.prompt.value = this.history.draft;
      this.history = null;
    } else {
      this.history.index = index;
      this.prompt.value = this.history.items[index];
    }
    this.autosize();
    const end = this.prompt.value.length;
    this.prompt.setSelectionRange(end, end);
    return true;
  }

  addFiles(files) {
    const rejected = files.filter((f) => !IMAGE_TYPES.includes(f.type));
    for (const file of files) {
      if (!IMAGE_TYPES.includes(file.type) || this.references.length >= MAX_REFERENCES) continue;
      this.references.push({ file, url: URL.createObjectURL(file) });
    }
    const names = rejected.map((f) => f.name).join(", ");
    this.showError(rejected.length
      ? interpolate(_("Only PNG, JPEG and WebP images can be added (%(names)s)."), { names }, true) : "");
    this.renderReferences();
  }

  removeReference(index) {
    const [removed] = this.references.splice(index, 1);
    if (removed) URL.revokeObjectURL(removed.url);
    this.renderReferences();
    this.prompt.focus();
  }

  renderReferences() {
    clear(this.referenceList);
    this.references.forEach((ref, index) => {
      this.referenceList.append(h("figure.reference-thumb", {},
        h("img", { src: ref.url,
          alt: interpolate(_("Reference %(number)s: %(name)s"), { number: index + 1, name: ref.file.name }, true) }),
        h("button.remove", { type: "button", title: interpolate(_("Remove %(name)s"), { name: ref.file.name }, true),
          "aria-label": interpolate(_("Remove reference %(name)s"), { name: ref.file.name }, true),
          onclick: () => this.removeReference(index) }, "×")));
    });
    this.referenceList.hidden = !this.references.length;
  }

  /** "Edit from here": the next turn continues from ``turnId`` (a branch if it has children). */
  continueFrom(turnId) {
    this.explicitParentId = turnId;
    this.detached = false;
    this.editingId = null;
    if (this.mask && this.mask.turnId !== turnId) this.clearMask();
    this.renderContext();
    this.focus();
  }

  /** "Edit": put a sent prompt back, to send it again as a new version beside that turn. */
  editPrompt(turn) {
    this.editingId = turn.id;
    this.explicitParentId = turn.parent_id || null;
    this.detached = !turn.parent_id;
    if (this.mask && this.mask.turnId !== turn.parent_id) this.clearMask();
    this.history = null;
    this.setPrompt(turn.prompt || "");
    this.renderContext();
  }

  setMask(mask) {
    if (this.mask) URL.revokeObjectURL(this.mask.url);
    this.mask = mask;
    this.explicitParentId = mask.turnId;
    this.detached = false;
    this.editingId = null;
    this.options.ensureMode(["responses", "edit"]);
    this.renderContext();
    this.focus();
  }

  clearMask() {
    if (this.mask) URL.revokeObjectURL(this.mask.url);
    this.mask = null;
    this.renderContext();
  }

  /** The turn the next message continues from, or null for a fresh start. */
  parentTurn() {
    if (this.detached) return null;
    if (this.explicitParentId) return this.tree.get(this.explicitParentId);
    return this.tree.continuationPoint();
  }

  renderContext() {
    const parent = this.parentTurn();
    const editing = this.tree.get(this.editingId);
    const key = [parent?.id, parent?.status, finals(parent)[0]?.id, this.explicitParentId, this.mask?.url,
      editing?.id].join(":");
    if (key === this.contextKey) return;
    this.contextKey = key;
    clear(this.context);
    if (editing) {
      this.context.append(h("div.chip.editing-chip", { "data-turn-id": editing.id },
        h("span", {}, withQuote(_("New version of %(quote)s"), truncate(editing.prompt, 48))),
        h("button.chip-x", { type: "button", title: _("Stop editing"), "aria-label": _("Stop editing that prompt"),
          onclick: () => this.stopEditing() }, "×")));
    }
    if (parent) {
      const image = finals(parent)[0];
      const running = parent.status === "queued" || parent.status === "streaming";
      const sentence = editing ? pgettext("continuing from an image", "From %(quote)s")
        : this.explicitParentId ? _("Branching from %(quote)s")
          : running ? _("Will continue from %(quote)s") : _("Continuing from %(quote)s");
      this.context.append(h("div.chip.parent-chip", { "data-parent-id": parent.id },
        image ? h("img", { src: image.thumbnail_url, alt: "" }) : null,
        h("span", {}, withQuote(sentence, truncate(parent.prompt, 48))),
        h("button.chip-x", { type: "button", title: _("Start a new image instead"),
          "aria-label": _("Start a new image instead of continuing"), onclick: () => {
            this.detached = true;
            this.explicitParentId = null;
            this.editingId = null;
            this.clearMask();
            this.renderContext();
            this.focus();
          } }, "×")));
    }
    if (this.mask) {
      this.context.append(h("div.chip.mask-chip", {},
        h("img", { src: this.mask.preview, alt: "" }),
        h("span", { text: _("Mask: only the painted area changes") }),
        h("button.chip-x", { type: "button", "aria-label": _("Remove the mask"), title: _("Remove the mask"),
          onclick: () => this.clearMask() }, "×")));
    }
    this.context.hidden = !this.context.childElementCount;
  }

  stopEditing() {
    this.editingId = null;
    this.explicitParentId = null;
    this.detached = false;
    this.renderContext();
    this.focus();
  }

  showError(message) {
    this.errorEl.textContent = message || "";
    this.errorEl.hidden = !message;
  }

  async send() {
    if (this.sending) return;
    this.sending = true;
    this.sendButton.disabled = true;
    try {
      // Sent before the image options loaded, a prompt would go without its options.
      await this.options.ready;
      await this.sendNow();
    } finally {
      this.sending = false;
      this.sendButton.disabled = false;
    }
  }

  async sendNow() {
    const conversationId = this.getConversationId();
    const prompt = this.prompt.value.trim();
    const mode = this.options.apiMode;
    if (!prompt && mode !== "variation") {
      this.showError(_("Write a prompt first."));
      this.prompt.focus();
      return;
    }
    const problem = this.options.sizeProblem();
    if (problem) {
      this.showError(problem);
      return;
    }
    const parent = this.parentTurn();
    if (parent && parent.status !== "completed") {
      const running = parent.status === "queued" || parent.status === "streaming";
      this.showError(running
        ? _("The last image is still being made. Wait for it, cancel it, or use “Edit from here” on an earlier image.")
        : _("That turn has no image to continue from. Retry it, or use “Edit from here” on an earlier image."));
      return;
    }
    const form = new FormData();
    form.append("prompt", prompt);
    form.append("api_mode", mode);
    form.append("options", JSON.stringify(this.options.values()));
    if (parent) form.append("parent_id", String(parent.id));
    for (const ref of this.references) form.append("references", ref.file, ref.file.name);
    if (this.mask) form.append("mask", this.mask.blob, "mask.png");
    this.showError("");
    const started = [];
    try {
      const id = conversationId || (await this.onSent.ensureConversation(prompt));
      // Several candidates are separate turns with the same parent: versions to choose from.
      for (let i = 0; i < this.options.candidates(); i++) started.push(await api.startTurn(id, form));
    } catch (error) {
      // Refused: the prompt, references and mask stay, so the person can fix and resend.
      this.showError(started.length
        ? `${interpolate(ngettext("%(started)s of %(total)s version started.", "%(started)s of %(total)s versions started.",
          this.options.candidates()), { started: started.length, total: this.options.candidates() }, true)} ${error.message}`
        : error.message);
      if (error.field === "prompt") this.prompt.focus();
      if (["options", "size", "quality", "model"].includes(error.field)) this.options.setOpen(true);
    } finally {
      if (started.length) {
        this.sentPrompts = [prompt, ...this.sentPrompts.filter((p) => p !== prompt)].slice(0, 50);
        this.reset();
        this.onSent.sent(started);
      }
    }
  }

  reset() {
    this.prompt.value = "";
    this.autosize();
    for (const ref of this.references) URL.revokeObjectURL(ref.url);
    this.references = [];
    this.renderReferences();
    this.explicitParentId = null;
    this.detached = false;
    this.editingId = null;
    this.history = null;
    if (this.mask) URL.revokeObjectURL(this.mask.url);
    this.mask = null;
    this.renderContext();
  }

  /** A new conversation was opened: nothing carries over but the prompt being typed. */
  resetContext() {
    this.explicitParentId = null;
    this.detached = false;
    this.editingId = null;
    this.history = null;
    this.mask = null;
    this.showError("");
    this.renderContext();
  }
}
