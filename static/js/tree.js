// The conversation as a tree of turns, and the one path through it that the thread shows.
//
// Each turn row carries the sequence of its latest change; a state older than what we hold is
// ignored, so snapshots, POST answers and websocket events can arrive in any order.

import { gettext as _ } from "./i18n.js";

export const RUNNING = new Set(["queued", "streaming"]);
const ROOT = "root";

export class TurnTree {
  /** ``showHidden``: staff keep images moderation hid, marked; everyone else drops them. */
  constructor({ showHidden = false } = {}) {
    this.showHidden = showHidden;
    this.turns = new Map();
    // parent key -> the child the person chose; without a choice the newest child is shown.
    this.chosen = new Map();
    this.listeners = new Set();
  }

  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  notify(changedIds = null) {
    for (const fn of this.listeners) fn(changedIds);
  }

  reset() {
    this.turns.clear();
    this.chosen.clear();
    this.notify();
  }

  get(id) {
    return this.turns.get(Number(id)) || null;
  }

  /** Merge a full turn (snapshot row or POST answer). */
  mergeTurn(turn, { silent = false } = {}) {
    const existing = this.turns.get(turn.id);
    if (existing && existing.sequence > turn.sequence) {
      // We already know a newer state: only fill in what the older copy knows and we do not.
      for (const [key, value] of Object.entries(turn)) {
        if (existing[key] === undefined || existing[key] === null) existing[key] = value;
      }
    } else {
      this.turns.set(turn.id, { ...(existing || {}), ...turn, images: [...(turn.images || [])] });
    }
    if (!silent) this.notify([turn.id]);
  }

  applySnapshot(snapshot) {
    for (const turn of snapshot.turns || []) this.mergeTurn(turn, { silent: true });
    // A deletion this page missed: whatever the conversation no longer holds goes.
    if (Array.isArray(snapshot.turn_ids)) {
      const kept = new Set(snapshot.turn_ids);
      // A turn newer than the snapshot (just sent) is not in it, yet not deleted either.
      for (const [id, turn] of this.turns) {
        if (!kept.has(id) && turn.sequence <= snapshot.sequence) this.turns.delete(id);
      }
    }
    this.notify();
  }

  /** Forget turns deleted with their branch. */
  removeTurns(ids) {
    for (const id of ids) {
      this.turns.delete(Number(id));
      this.chosen.delete(Number(id));
    }
    this.notify();
  }

  /** ``turnId`` and every turn continued from it. */
  branch(turnId) {
    const ids = [];
    const stack = [Number(turnId)];
    while (stack.length) {
      const id = stack.pop();
      ids.push(id);
      for (const child of this.children(id)) stack.push(child.id);
    }
    return ids;
  }

  /** Apply one websocket event. */
  applyEvent(event) {
    if (event.type === "turn.deleted") {
      this.removeTurns(event.deleted_turn_ids || [event.turn_id]);
      return;
    }
    let turn = this.turns.get(event.turn_id);
    if (!turn) {
      turn = {
        id: event.turn_id,
        parent_id: event.parent_id,
        conversation_id: event.conversation_id,
        prompt: event.prompt || "",
        api_mode: event.api_mode || "responses",
        images: [],
        sequence: 0,
        queued_at: new Date().toISOString(),
      };
      this.turns.set(turn.id, turn);
    }
    if (event.sequence <= turn.sequence) return;
    turn.sequence = event.sequence;
    turn.status = event.status || turn.status;
    const now = new Date().toISOString();
    switch (event.type) {
      case "turn.queued":
        turn.prompt = event.prompt ?? turn.prompt;
        turn.api_mode = event.api_mode ?? turn.api_mode;
        addImages(turn, event.images);
        break;
      case "turn.started":
        turn.started_at = now;
        turn.attempts = event.attempt ?? turn.attempts;
        if ((event.attempt || 1) > 1 || event.restarted_because) {
          // A fresh attempt: what the broken one streamed is gone.
          turn.images = turn.images.filter((i) => i.role === "reference" || i.role === "mask");
          turn.revised_prompt = null;
          turn.first_partial_at = null;
        }
        break;
      case "turn.resumed":
        // Another worker continues the same upstream response: what arrived stays.
        turn.attempts = event.attempt ?? turn.attempts;
        break;
      case "turn.progress":
        turn.progress = { stage: event.stage, percent: event.percent };
        break;
      case "turn.partial_image":
        turn.first_partial_at = turn.first_partial_at || now;
        addImages(turn, [event.image]);
        break;
      case "turn.revised_prompt":
        turn.revised_prompt = event.revised_prompt;
        break;
      case "turn.completed":
        addImages(turn, event.images);
        turn.revised_prompt = event.revised_prompt ?? turn.revised_prompt;
        turn.usage = event.usage ?? turn.usage;
        mergeSpend(turn, event);
        turn.completed_at = now;
        turn.error = null;
        break;
      case "turn.failed":
      case "turn.blocked":
        turn.error = event.error || { code: "failed", message: _("The image could not be made.") };
        mergeSpend(turn, event);
        turn.completed_at = now;
        break;
      case "turn.cancelled":
        turn.error = turn.error || { code: "cancelled", message: _("Cancelled.") };
        turn.completed_at = now;
        break;
      case "turn.images_changed":
        turn.images = this.moderatedImages(turn, event);
        break;
      default:
        break;
    }
    this.notify([turn.id]);
  }

  /** The turn's images after a moderation decision: what everyone sees, plus for staff the
   * hidden ones they already hold. */
  moderatedImages(turn, event) {
    const hidden = new Set(event.hidden_image_ids || []);
    const kept = this.showHidden
      ? turn.images.filter((i) => hidden.has(i.id)).map((i) => ({ ...i, moderation: "hidden" }))
      : [];
    return [...(event.images || []), ...kept].sort((a, b) => a.id - b.id);
  }

  children(parentId) {
    const key = parentId ?? null;
    return [...this.turns.values()]
      .filter((t) => (t.parent_id ?? null) === key)
      .sort((a, b) => a.id - b.id);
  }

  siblings(turn) {
    return this.children(turn.parent_id);
  }

  /** root -> ... -> leaf: the chosen child at each level, else the newest. */
  path() {
    const path = [];
    let parentId = null;
    for (;;) {
      const kids = this.children(parentId);
      if (!kids.length) break;
      const chosenId = this.chosen.get(parentId ?? ROOT);
      const next = kids.find((k) => k.id === chosenId) || kids[kids.length - 1];
      path.push(next);
      parentId = next.id;
    }
    return path;
  }

  /** Show ``turnId``: choose it and every ancestor; its descendants follow the newest. */
  select(turnId) {
    let turn = this.get(turnId);
    if (!turn) return;
    this.clearChoicesBelow(turn.id);
    while (turn) {
      this.chosen.set(turn.parent_id ?? ROOT, turn.id);
      turn = turn.parent_id ? this.get(turn.parent_id) : null;
    }
    this.notify();
  }

  clearChoicesBelow(turnId) {
    const stack = [turnId];
    while (stack.length) {
      const id = stack.pop();
      this.chosen.delete(id);
      for (const child of this.children(id)) stack.push(child.id);
    }
  }

  /** The last finished-with-an-image turn on the path: where a follow-up continues. */
  continuationPoint() {
    const path = this.path();
    const leaf = path[path.length - 1];
    // A running leaf is returned so the composer can say "wait"; a failed one is skipped.
    if (!leaf || RUNNING.has(leaf.status)) return leaf || null;
    // A turn whose image moderation took down has nothing left to continue from.
    return path.reverse().find((t) => t.status === "completed" && finals(t).length) || null;
  }
}

function addImages(turn, images) {
  for (const image of images || []) {
    if (!image) continue;
    const index = turn.images.findIndex((i) => i.id === image.id);
    if (index >= 0) turn.images[index] = image;
    else turn.images.push(image);
  }
}

export function finals(turn) {
  return (turn?.images || []).filter((i) => i.role === "final");
}

export function partials(turn) {
  return (turn?.images || [])
    .filter((i) => i.role === "partial")
    .sort((a, b) => (a.partial_index ?? 0) - (b.partial_index ?? 0) || a.id - b.id);
}

export function inputs(turn) {
  return (turn?.images || []).filter((i) => i.role === "reference" || i.role === "mask");
}

function mergeSpend(turn, event) {
  if ("tokens" in event) turn.tokens = event.tokens;
  if ("cost" in event) turn.cost = event.cost;
}
