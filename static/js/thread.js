// The thread: one path through the turn tree, one card per turn, updated in place as events
// arrive so images swap smoothly and nothing jumps.

import { gettext as _, interpolate, pgettext } from "./i18n.js";
import { valueLabel } from "./option-labels.js";
import { RUNNING, finals, inputs, partials } from "./tree.js";
import { describeBlock } from "./turn-errors.js";
import { clear, formatDollars, formatElapsed, formatNumber, h, parseSize, preload, withQuote } from "./util.js";

const ERROR_TITLES = {
  blocked: _("Blocked by the provider’s safety system"),
  cancelled: pgettext("turn status", "Cancelled"),
  failed: _("This image could not be made"),
};

export class Thread {
  constructor({ container, empty, tree, actions }) {
    this.container = container;
    this.empty = empty;
    this.tree = tree;
    this.actions = actions;
    this.cards = new Map();
    // Follow the newest turn until the person scrolls up to look at something older; a turn
    // that arrives, or an image that grows a card, then stays in view.
    this.pinned = true;
    container.addEventListener("scroll", () => {
      this.pinned = this.nearBottom();
    }, { passive: true });
    this.resized = new ResizeObserver(() => {
      if (this.pinned) this.jumpToBottom();
    });
    this.resized.observe(container);
    tree.subscribe(() => this.render());
    setInterval(() => this.tick(), 1000);
  }

  render() {
    const stick = this.pinned || this.nearBottom();
    const path = this.tree.path();
    const wanted = new Set(path.map((t) => t.id));
    for (const [id, card] of this.cards) {
      if (!wanted.has(id)) {
        this.resized.unobserve(card);
        card.remove();
        this.cards.delete(id);
      }
    }
    let previous = this.empty;
    this.empty.hidden = path.length > 0;
    for (const turn of path) {
      let card = this.cards.get(turn.id);
      if (!card) {
        card = this.createCard(turn);
        this.cards.set(turn.id, card);
        this.resized.observe(card);
      }
      if (previous.nextSibling !== card) previous.after(card);
      this.updateCard(card, turn);
      previous = card;
    }
    if (stick) this.scrollToBottom();
  }

  clearAll() {
    for (const card of this.cards.values()) {
      this.resized.unobserve(card);
      card.remove();
    }
    this.cards.clear();
    this.empty.hidden = false;
    this.pinned = true;
  }

  nearBottom() {
    const c = this.container;
    return c.scrollHeight - c.scrollTop - c.clientHeight < 160;
  }

  scrollToBottom() {
    this.pinned = true;
    requestAnimationFrame(() => this.jumpToBottom());
  }

  // Instant, not smooth: while a smooth scroll runs, the thread is not yet at the bottom, so a
  // turn arriving then (a watcher opening mid-start) was left below the fold.
  jumpToBottom() {
    this.container.scrollTo({ top: this.container.scrollHeight, behavior: "instant" });
  }

  createCard(turn) {
    const card = h("article.turn", { id: `turn-${turn.id}`, dataset: { turnId: turn.id },
      "aria-label": interpolate(_("Turn %(number)s"), { number: turn.id }, true) });
    card.parts = {
      switcher: h("nav.sibling-switcher", { "aria-label": _("Versions of this prompt") }),
      inputs: h("div.turn-inputs"),
      prompt: h("p.prompt-text"),
      frames: h("div.frames"),
      stage: h("div.stage", { role: "status" }),
      error: h("div.turn-error"),
      revised: h("details.revised"),
      meta: h("div.turn-meta"),
      actions: h("div.turn-actions"),
    };
    const p = card.parts;
    const edit = h("button.btn.ghost.tiny.edit-prompt", { type: "button", dataset: { needsEdit: "" },
      title: _("Edit this prompt and send it as a new version"),
      "aria-label": _("Edit this prompt and send it as a new version"),
      onclick: () => this.actions.editPrompt(this.tree.get(turn.id)) }, _("Edit"));
    const remove = h("button.btn.ghost.tiny.delete-turn", { type: "button", dataset: { needsEdit: "" },
      title: _("Delete this turn and the turns continued from it"),
      "aria-label": _("Delete this turn and the turns continued from it"),
      onclick: () => this.actions.deleteTurn(this.tree.get(turn.id)) }, _("Delete"));
    card.append(
      h("div.bubble", {}, h("div.bubble-head", {}, p.switcher, edit, remove), p.prompt, p.inputs),
      h("div.result", {}, p.frames, p.stage, p.error, p.revised, p.meta, p.actions),
    );
    return card;
  }

  updateCard(card, turn) {
    const p = card.parts;
    card.dataset.status = turn.status;
    p.prompt.textContent = turn.prompt || _("(variation)");
    this.renderSwitcher(p.switcher, turn);
    this.renderInputs(p.inputs, turn);
    this.renderFrames(card, turn);
    this.renderStage(p.stage, turn);
    this.renderError(p.error, turn);
    this.renderRevised(p.revised, turn);
    this.renderMeta(p.meta, turn);
    this.renderActions(p.actions, turn);
  }

  renderSwitcher(nav, turn) {
    const siblings = this.tree.siblings(turn);
    const key = siblings.map((s) => s.id).join(",");
    if (nav.dataset.key === `${key}:${turn.id}`) return;
    nav.dataset.key = `${key}:${turn.id}`;
    clear(nav);
    nav.hidden = siblings.length < 2;
    if (siblings.length < 2) return;
    const index = siblings.findIndex((s) => s.id === turn.id);
    const go = (offset) => {
      const target = siblings[index + offset];
      if (target) this.tree.select(target.id);
    };
    nav.append(
      h("button.btn.icon.tiny", { type: "button", "aria-label": _("Previous version"), disabled: index === 0,
        onclick: () => go(-1) }, "‹"),
      h("span.sibling-count", { text: `${index + 1} / ${siblings.length}` }),
      h("button.btn.icon.tiny", { type: "button", "aria-label": _("Next version"),
        disabled: index === siblings.length - 1, onclick: () => go(1) }, "›"),
    );
  }

  renderInputs(box, turn) {
    const images = inputs(turn);
    const key = images.map((i) => i.id).join(",");
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    clear(box);
    for (const image of images) {
      box.append(h("a.input-thumb", { href: image.url, target: "_blank", rel: "noopener",
        title: image.role === "mask" ? _("Mask") : _("Reference image"), dataset: { role: image.role } },
      h("img", { src: image.thumbnail_url, alt: image.role === "mask" ? _("Mask") : _("Reference image"),
        loading: "lazy" })));
    }
    box.hidden = !images.length;
  }

  renderFrames(card, turn) {
    const box = card.parts.frames;
    const done = finals(turn);
    const streamed = partials(turn);
    const running = RUNNING.has(turn.status);
    const count = Math.max(done.length, running || streamed.length ? 1 : 0);
    while (box.children.length > count) box.lastChild.remove();
    while (box.children.length < count) box.append(h("div.frame", { dataset: { index: box.children.length } }));
    box.hidden = count === 0;
    [...box.children].forEach((frame, index) => {
      const image = done[index] || (index === 0 ? streamed[streamed.length - 1] : null);
      setAspect(frame, turn, image);
      frame.classList.toggle("is-partial", Boolean(image && image.role === "partial"));
      frame.classList.toggle("is-hidden-by-moderation", image?.moderation === "hidden");
      frame.classList.toggle("is-waiting", !image && running);
      // A transparent picture shows on a checkerboard, so its empty parts read as empty.
      frame.classList.toggle("is-transparent", turn.options?.background === "transparent");
      if (image) swapImage(frame, image, turn);
    });
  }

  renderStage(stage, turn) {
    const running = RUNNING.has(turn.status);
    stage.hidden = !running;
    if (!running) return;
    const got = partials(turn).length;
    const expected = Number(turn.options?.partial_images || 0);
    let label = pgettext("turn status", "Queued");
    if (turn.status === "streaming") {
      if (got && expected) label = interpolate(_("Refining · partial %(got)s of %(expected)s"), { got, expected }, true);
      else if (got) label = interpolate(_("Refining · partial %(got)s"), { got }, true);
      else if (turn.progress) label = describeProgress(turn.progress);
      else if ((turn.attempts || 1) > 1) {
        label = interpolate(_("Generating · attempt %(attempt)s"), { attempt: turn.attempts }, true);
      } else label = pgettext("turn status", "Generating");
    }
    if (stage.dataset.label !== label) {
      stage.dataset.label = label;
      clear(stage);
      stage.append(h("span.spinner", { "aria-hidden": "true" }), h("span.stage-label", { text: label }),
        h("span.elapsed", { "aria-hidden": "true", dataset: { since: turn.queued_at || new Date().toISOString() } }),
        h("button.btn.ghost.small.cancel", { type: "button", dataset: { needsEdit: "" },
          onclick: () => this.actions.cancel(turn.id) }, _("Cancel")));
    }
    stage.querySelector(".elapsed").dataset.since = turn.queued_at || stage.querySelector(".elapsed").dataset.since;
    this.tickStage(stage);
  }

  tick() {
    for (const stage of this.container.querySelectorAll(".stage:not([hidden])")) this.tickStage(stage);
  }

  tickStage(stage) {
    const elapsed = stage.querySelector(".elapsed");
    if (elapsed) elapsed.textContent = formatElapsed(Date.now() - Date.parse(elapsed.dataset.since));
  }

  renderError(box, turn) {
    const failed = ["failed", "blocked", "cancelled"].includes(turn.status);
    // A finished turn always drew something: no image left means moderation took it down.
    const takenDown = turn.status === "completed" && !finals(turn).length;
    box.hidden = !failed && !takenDown;
    const key = failed ? `${turn.status}:${turn.error?.message}` : takenDown ? "taken-down" : "";
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    clear(box);
    if (takenDown) {
      box.append(h("strong", { text: _("Taken down by moderation") }),
        h("p", { text: _("The site’s staff reviewed this image and took it down.") }));
    }
    if (!failed) return;
    box.append(h("strong", { text: ERROR_TITLES[turn.status] }));
    if (turn.status === "blocked") box.append(...blockedDetails(turn.error));
    else {
      box.append(h("p", { text: turn.status === "cancelled" ? _("You stopped this image before it finished.")
        : turn.error?.message || _("Something went wrong.") }));
    }
    const editPrompt = h("button.btn.small", { type: "button", dataset: { needsEdit: "" },
      onclick: () => this.actions.editPrompt(turn) }, _("Edit the prompt"));
    const retry = h("button.btn.small", { type: "button", dataset: { needsEdit: "" },
      onclick: () => this.actions.retry(turn.id) }, turn.status === "blocked" ? _("Retry unchanged") : _("Retry"));
    // A blocked prompt would most likely be blocked again: rewording it comes first.
    if (turn.status === "blocked") editPrompt.classList.add("primary");
    box.append(h("div.error-actions", {}, ...(turn.status === "blocked" ? [editPrompt, retry] : [retry, editPrompt])));
  }

  renderRevised(details, turn) {
    const text = turn.revised_prompt || "";
    details.hidden = !text;
    if (details.dataset.text === text) return;
    details.dataset.text = text;
    clear(details);
    if (!text) return;
    details.append(
      h("summary", { text: _("Revised prompt") }),
      h("p", { text }),
      h("button.btn.ghost.small", { type: "button", onclick: () => this.actions.usePrompt(text) }, _("Use this prompt")),
    );
  }

  renderMeta(meta, turn) {
    const bits = [];
    const spend = describeSpend(turn);
    if (spend) bits.push(spend);
    if (turn.status === "completed" && turn.completed_at && turn.queued_at) {
      const elapsed = formatElapsed(Date.parse(turn.completed_at) - Date.parse(turn.queued_at));
      bits.unshift(interpolate(_("done in %(elapsed)s"), { elapsed }, true));
    }
    const quality = turn.options?.quality && valueLabel("quality", turn.options.quality);
    const model = [turn.image_model, turn.options?.size, quality].filter(Boolean).join(" · ");
    if (model && turn.status === "completed") bits.unshift(model);
    const text = bits.join("  ·  ");
    meta.hidden = !text;
    meta.textContent = text;
    meta.title = turn.continuation_note || "";
  }

  renderActions(box, turn) {
    const done = finals(turn);
    const liked = (image) => this.actions.isFavourite(image.id);
    const key = `${turn.status}:${done.map((i) => `${i.id}${i.moderation || ""}${liked(i) ? "*" : ""}`).join(",")}`;
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    clear(box);
    box.hidden = !done.length;
    const parentImage = turn.parent_id ? finals(this.tree.get(turn.parent_id))[0] : null;
    done.forEach((image, index) => {
      // Of several images, each button names its image's number.
      const several = done.length > 1;
      const number = index + 1;
      const numbered = (one, many) => (several ? interpolate(many, { number }, true) : one);
      const row = h("div.action-row", { role: "group",
        "aria-label": numbered(_("Image actions"), _("Image %(number)s actions")) },
        h("button.btn.small", { type: "button", dataset: { needsEdit: "" },
          onclick: () => this.actions.editFrom(turn.id) }, numbered(_("Edit from here"), _("Edit from here %(number)s"))),
        h("button.btn.small", { type: "button", dataset: { needsEdit: "" },
          onclick: () => this.actions.mask(turn, image) }, _("Paint mask")),
        parentImage ? h("button.btn.small", { type: "button",
          onclick: () => this.actions.compare(parentImage, image) }, _("Compare")) : null,
        h("a.btn.small", { href: `${image.url}?download=1`, download: "" }, _("Download")),
        h("button.btn.small.favourite-toggle", { type: "button", "aria-pressed": String(liked(image)),
          title: liked(image) ? _("In your favourites; press to remove it") : _("Add to your favourites"),
          onclick: () => this.actions.toggleFavourite(image) },
        `${liked(image) ? "★" : "☆"} ${numbered(_("Favourite"), _("Favourite %(number)s"))}`),
        h("button.btn.small", { type: "button", onclick: () => this.actions.addToGallery(image) }, _("Add to gallery")),
        h("a.btn.small", { href: image.url, target: "_blank", rel: "noopener" }, _("Open full size")),
        h("button.btn.small.ghost", { type: "button", onclick: () => this.actions.flag(image) },
          numbered(_("Flag"), _("Flag %(number)s"))),
        // A turn's only image goes with the turn; of several, each may go on its own.
        several ? h("button.btn.small.ghost.delete-image", { type: "button", dataset: { needsEdit: "" },
          onclick: () => this.actions.deleteImage(image, number) }, interpolate(_("Delete image %(number)s"),
          { number }, true)) : null);
      box.append(row);
    });
  }
}

/** The provider's refusal in plain words: what it said, what it flagged, what to do. */
function blockedDetails(error) {
  const { said, categories } = describeBlock(error);
  const nodes = [h("p", { text: _("The image provider’s safety system refused this request, so no image was made. Reword the prompt (or use other images) and send it again.") })];
  if (said) nodes.push(h("p.provider-said", {}, withQuote(_("The provider said: %(quote)s"), said)));
  if (categories.length) {
    const flagged = categories.join(pgettext("list separator", ", "));
    nodes.push(h("p.provider-said", { text: interpolate(_("It flagged: %(categories)s."), { categories: flagged }, true) }));
  }
  return nodes;
}

function setAspect(frame, turn, image) {
  if (frame.dataset.aspect) return;
  const size = parseSize(turn.options?.size);
  const dims = size || (image ? [image.width, image.height] : null);
  if (dims) {
    frame.style.aspectRatio = `${dims[0]} / ${dims[1]}`;
    frame.dataset.aspect = "1";
  } else {
    frame.style.aspectRatio = "1 / 1";
  }
}

/** Fade the new picture in over the old one once it has decoded: no flash, no jump.
 * The frame shows the light preview (a few dozen KB, not the provider's MBs); the full image
 * loads only when asked for: open full size, download, compare, paint mask. */
async function swapImage(frame, image, turn) {
  const src = image.preview_url || image.url;
  if (frame.dataset.want === src) return;
  frame.dataset.want = src;
  const loaded = await preload(src);
  if (!loaded || frame.dataset.want !== src) return;
  const layer = h("img.layer.entering", {
    src,
    alt: image.role === "partial"
      ? interpolate(_("Partial image %(number)s"), { number: (image.partial_index ?? 0) + 1 }, true)
      : interpolate(_("Image for: %(prompt)s"), { prompt: turn.prompt }, true),
    dataset: { role: image.role, imageId: image.id },
    width: image.width,
    height: image.height,
  });
  // The new layer is the picture from now on; older ones only fade out beneath it, hidden
  // from assistive technology so the turn never reads as two pictures at once.
  for (const older of frame.querySelectorAll("img.layer")) {
    older.classList.add("leaving");
    older.setAttribute("aria-hidden", "true");
  }
  frame.append(layer);
  frame.dataset.shown = image.role;
  frame.dataset.imageId = image.id;
  requestAnimationFrame(() => requestAnimationFrame(() => layer.classList.remove("entering")));
  // Older layers go once the new one covers them; newer ones that arrived meanwhile stay.
  setTimeout(() => {
    let previous = layer.previousElementSibling;
    while (previous) {
      const before = previous.previousElementSibling;
      if (previous.matches("img.layer")) previous.remove();
      previous = before;
    }
  }, 450);
}

/** Before a turn finishes, what it was estimated to use; after, what the provider reported. */
function describeSpend(turn) {
  if (RUNNING.has(turn.status)) {
    const estimate = turn.estimate;
    if (!estimate || (!estimate.tokens && !estimate.cost)) return "";
    return interpolate(_("estimated ≈ %(tokens)s image tokens · ≈ %(cost)s"),
      { tokens: formatNumber(estimate.tokens), cost: formatDollars(estimate.cost) }, true);
  }
  const tokens = turn.tokens;
  if (!tokens || (!tokens.total && !turn.cost)) return "";
  const parts = [interpolate(_("actual %(tokens)s image tokens"),
    { tokens: formatNumber(tokens.input_image + tokens.output_image) }, true)];
  const text = tokens.input_text + tokens.output_text;
  if (text) parts.push(interpolate(_("%(tokens)s text tokens"), { tokens: formatNumber(text) }, true));
  parts.push(turn.cost === null ? _("no price set") : formatDollars(turn.cost));
  return parts.join(" · ");
}

/** A gateway's progress in words (turn.progress): its stage, and its percent when it gave one. */
function describeProgress({ stage, percent }) {
  const name = { queued: _("Queued at the provider"), done: _("Fetching the pictures") }[stage]
    || pgettext("turn status", "Generating");
  return percent == null ? name : `${name} · ${Math.round(percent)}%`;
}
