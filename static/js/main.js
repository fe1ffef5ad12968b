// The studio page: wires the conversation list, the thread, the composer and the live socket.

import { api } from "./api.js";
import { gettext as _, interpolate, ngettext } from "./i18n.js";
import { CompareView } from "./compare.js";
import { Composer } from "./composer.js";
import { GalleryPicker } from "./gallery-picker.js";
import { FlagDialog } from "./flag.js";
import { MaskEditor } from "./mask.js";
import { OptionsPanel } from "./options.js";
import { ShareControl } from "./share.js";
import { Sidebar } from "./sidebar.js";
import { LiveSocket } from "./socket.js";
import { TurnNotifier } from "./notify.js";
import { Thread } from "./thread.js";
import { TurnTree } from "./tree.js";
import { conversationTitle, truncate } from "./util.js";

const $ = (selector) => document.querySelector(selector);
const root = $("#studio");
const tree = new TurnTree({ showHidden: root.dataset.staff === "1" });
const state = { conversationId: Number(root.dataset.conversationId) || null, conversation: null, socket: null };
const LIVE_LABELS = { live: _("Live"), connecting: _("Connecting…"), reconnecting: _("Reconnecting…"), idle: "" };

const maskEditor = new MaskEditor($("#mask-dialog"));
const compareView = new CompareView($("#compare-dialog"));
const galleryPicker = new GalleryPicker($("#gallery-dialog"));
const flagDialog = new FlagDialog($("#flag-dialog"));
const notifier = new TurnNotifier({ toggle: $("#notify-toggle") });
const favourites = new Set(); // image ids in this person's favourites

const options = new OptionsPanel({
  panel: $("#options-panel"),
  toggle: $("#options-toggle"),
  summary: $("#options-summary"),
  estimate: $("#estimate"),
});

const composer = new Composer({
  form: $("#composer"),
  tree,
  options,
  getConversationId: () => state.conversationId,
  onSent: {
    async ensureConversation(prompt) {
      const conversation = await api.createConversation(truncate(prompt, 60));
      sidebar.upsert(conversation);
      await openConversation(conversation.id, { push: true });
      return conversation.id;
    },
    sent(turns) {
      for (const turn of turns) tree.mergeTurn(turn);
      tree.select(turns[0].id);
      thread.scrollToBottom();
      for (const turn of turns) notifier.watch(turn.id);
      nameUntitled(turns[0].prompt);
    },
  },
});

const thread = new Thread({
  container: $("#thread"),
  empty: $("#empty-state"),
  tree,
  actions: {
    async cancel(turnId) {
      try {
        tree.mergeTurn(await api.cancelTurn(turnId));
      } catch (error) {
        composer.showError(error.message);
      }
    },
    async retry(turnId) {
      try {
        const turn = await api.retryTurn(turnId);
        tree.mergeTurn(turn);
        tree.select(turn.id);
        notifier.watch(turn.id);
      } catch (error) {
        composer.showError(error.message);
      }
    },
    usePrompt: (text) => composer.setPrompt(text),
    editPrompt: (turn) => composer.editPrompt(turn),
    async deleteTurn(turn) {
      const branch = tree.branch(turn.id);
      const more = branch.length - 1;
      const question = more
        ? interpolate(ngettext(
          "Delete this turn and the %(count)s turn continued from it? Its images go too. This cannot be undone.",
          "Delete this turn and the %(count)s turns continued from it? Their images go too. This cannot be undone.",
          more), { count: more }, true)
        : _("Delete this turn? Its images go too. This cannot be undone.");
      if (!window.confirm(question)) return;
      try {
        await api.deleteTurn(turn.id);
        tree.removeTurns(branch);
      } catch (error) {
        composer.showError(error.message);
      }
    },
    async deleteImage(image, number) {
      if (!window.confirm(interpolate(_("Delete image %(number)s? This cannot be undone."), { number }, true))) return;
      try {
        await api.deleteImage(image.id);
        const turn = tree.get(image.turn_id) || [...tree.turns.values()].find((t) => t.images.some((i) => i.id === image.id));
        if (turn) {
          turn.images = turn.images.filter((i) => i.id !== image.id);
          tree.notify([turn.id]);
        }
      } catch (error) {
        composer.showError(error.message);
      }
    },
    editFrom: (turnId) => composer.continueFrom(turnId),
    mask: (turn, image) => maskEditor.open(image, (mask) => composer.setMask({ ...mask, turnId: turn.id })),
    compare: (before, after) => compareView.open(before, after),
    isFavourite: (imageId) => favourites.has(imageId),
    async toggleFavourite(image) {
      const liked = favourites.has(image.id);
      try {
        if (liked) await api.unfavourite(image.id);
        else await api.favourite(image.id);
        if (liked) favourites.delete(image.id);
        else favourites.add(image.id);
        tree.notify();
      } catch (error) {
        composer.showError(error.message);
      }
    },
    addToGallery: (image) => galleryPicker.open(image),
    flag: (image) => flagDialog.open(image),
  },
});

const sidebar = new Sidebar({
  root: $("#sidebar"),
  list: $("#conversation-list"),
  search: $("#conversation-search"),
  newButton: $("#new-conversation"),
  toggle: $("#sidebar-toggle"),
  scrim: $("#sidebar-scrim"),
  username: root.dataset.username,
  onOpen: (id) => openConversation(id, { push: true }),
  // A new conversation is made by its first prompt, so "New" never leaves an empty one behind.
  onNew: async () => {
    sidebar.setOpen(false);
    await openConversation(null, { push: true });
    composer.focus();
  },
  onDeleted: (id) => {
    if (id === state.conversationId) openConversation(null, { push: true });
  },
  onRenamed: (conversation) => {
    if (conversation.id === state.conversationId) setTitle(conversation.title);
  },
});

const share = new ShareControl({
  container: $("#share"),
  onShared: (conversation) => {
    state.conversation = conversation;
    sidebar.upsert(conversation);
  },
  onError: (message) => composer.showError(message),
});

tree.subscribe(() => composer.renderContext());

// People who may only watch a shared conversation get no composer and no editing buttons;
// the server refuses their writes either way.
function applyPermissions(conversation, permissions) {
  const readOnly = Boolean(conversation) && !permissions?.add_turns;
  root.dataset.readOnly = String(readOnly);
  const note = $("#read-only-note");
  note.hidden = !readOnly;
  note.textContent = readOnly ? readOnlyNote(conversation) : "";
  share.show(conversation, permissions);
  const exportLink = $("#export-link");
  exportLink.hidden = !conversation;
  if (conversation) exportLink.href = `/api/conversations/${conversation.id}/export/`;
}

function readOnlyNote(conversation) {
  const values = { owner: conversation.owner, team: conversation.team?.name };
  return values.team
    ? interpolate(_("You are watching %(owner)s’s conversation. Editors of %(team)s can add to it."), values, true)
    : interpolate(_("You are watching %(owner)s’s conversation. Editors of its team can add to it."), values, true);
}

function setTitle(title) {
  $("#conversation-title").textContent = title ? conversationTitle(title) : "Studio";
  notifier.setTitle(title ? `${conversationTitle(title)} · Studio` : "Studio");
}

function setLive(status) {
  const el = $("#live-status");
  el.dataset.state = status;
  el.textContent = LIVE_LABELS[status] ?? "";
}

async function nameUntitled(prompt) {
  const conversation = state.conversation;
  if (!conversation || (conversation.title && conversation.title !== "Untitled")) return;
  try {
    const updated = await api.renameConversation(conversation.id, truncate(prompt, 60));
    state.conversation = updated;
    sidebar.upsert(updated);
    setTitle(updated.title);
  } catch {
    // The title is a convenience; the turn itself was sent.
  }
}

async function openConversation(id, { push = false } = {}) {
  state.socket?.close();
  state.socket = null;
  state.conversationId = id;
  state.conversation = null;
  tree.reset();
  thread.clearAll();
  composer.resetContext();
  sidebar.setActive(id);
  if (push) history.pushState({ id }, "", id ? `/c/${id}/` : "/");
  if (!id) {
    options.setModeration(null);
    loadCapabilities(null);
    setTitle("");
    setLive("idle");
    applyPermissions(null, null);
    return;
  }
  let snapshot;
  try {
    snapshot = await api.getConversation(id);
  } catch (error) {
    setTitle(_("Conversation not found"));
    composer.showError(error.message);
    return;
  }
  if (state.conversationId !== id) return;
  state.conversation = snapshot.conversation;
  setTitle(snapshot.conversation.title);
  applyPermissions(snapshot.conversation, snapshot.permissions);
  options.setModeration(snapshot.conversation.moderation);
  loadCapabilities(id);
  tree.applySnapshot(snapshot);
  if (!revealLinkedTurn()) thread.scrollToBottom();
  state.socket = new LiveSocket({
    conversationId: id,
    after: snapshot.sequence,
    onSnapshot: (message) => {
      if (message.conversation) {
        state.conversation = message.conversation;
        setTitle(message.conversation.title);
        options.setModeration(message.conversation.moderation);
      }
      tree.applySnapshot(message);
    },
    onEvent: (event) => {
      tree.applyEvent(event);
      fillInDetails(event);
      notifier.onEvent(event, tree.get(event.turn_id));
    },
    onState: setLive,
    onForbidden: () => {
      applyPermissions(state.conversation, { add_turns: false, manage: false });
      $("#read-only-note").textContent = _("You no longer have access to this conversation.");
      composer.showError(_("You no longer have access to this conversation."));
    },
  });
  state.socket.connect();
}

// Events are news, kept small: a turn first met through one (a collaborator's), or one that just
// finished, is read once in full so it shows what a reload would (model, size, quality, times).
const DETAIL_EVENTS = new Set(["turn.completed", "turn.failed", "turn.blocked", "turn.cancelled"]);
async function fillInDetails(event) {
  const turn = tree.get(event.turn_id);
  if (!turn || (turn.image_model && !DETAIL_EVENTS.has(event.type))) return;
  try {
    const full = await api.getTurn(event.turn_id);
    if (full.conversation_id === state.conversationId) tree.mergeTurn(full);
  } catch {
    // The event already showed what matters; the details come with the next snapshot.
  }
}

/** A link to /c/<id>/#turn-<turn> (a gallery's "Open its turn") shows that turn's branch. */
function revealLinkedTurn() {
  const turnId = Number(/^#turn-(\d+)$/.exec(location.hash)?.[1]);
  if (!tree.get(turnId)) return false;
  tree.select(turnId);
  thread.pinned = false; // the linked turn stays in view as the images below it load
  // Instant: a smooth scroll starting at the bottom would read as "still following the newest".
  requestAnimationFrame(() => document.getElementById(`turn-${turnId}`)
    ?.scrollIntoView({ block: "center", behavior: "instant" }));
  return true;
}

window.addEventListener("popstate", () => {
  const match = /^\/c\/(\d+)\/?$/.exec(location.pathname);
  openConversation(match ? Number(match[1]) : null);
});

$("#skip-to-prompt")?.addEventListener("click", (event) => {
  event.preventDefault();
  composer.focus();
});

document.addEventListener("keydown", (event) => {
  // "/" jumps to the prompt from anywhere outside a text field.
  if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement?.tagName || "")) {
    event.preventDefault();
    composer.focus();
  }
});

/** A shared conversation offers only the providers and models its team may use. */
async function loadCapabilities(conversationId) {
  try {
    const capabilities = await api.capabilities(conversationId);
    if (state.conversationId === conversationId) options.setCapabilities(capabilities);
  } catch {
    // the options already shown stay; the turns endpoint refuses what the team does not use
  }
}

async function start() {
  try {
    const capabilities = await api.capabilities();
    options.setCapabilities(capabilities);
    flagDialog.setReasons(capabilities.flag_reasons);
  } catch (error) {
    options.capabilitiesUnavailable();
    composer.showError(interpolate(_("Could not load the image options: %(reason)s"), { reason: error.message }, true));
  }
  sidebar.load();
  api.listFavourites().then((data) => {
    for (const favourite of data.favourites) favourites.add(favourite.image_id);
    if (favourites.size) tree.notify();
  }).catch(() => {}); // the stars are a convenience; the studio works without them
  await openConversation(state.conversationId);
  root.dataset.ready = "1";
}

start();
