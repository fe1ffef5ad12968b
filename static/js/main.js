// The studio page: wires the conversation list, the thread, the composer and the live socket.

import { api } from "./api.js";
import { CompareView } from "./compare.js";
import { Composer } from "./composer.js";
import { GalleryPicker } from "./gallery-picker.js";
import { FlagDialog } from "./flag.js";
import { MaskEditor } from "./mask.js";
import { OptionsPanel } from "./options.js";
import { ShareControl } from "./share.js";
import { Sidebar } from "./sidebar.js";
import { LiveSocket } from "./socket.js";
import { Thread } from "./thread.js";
import { TurnTree } from "./tree.js";
import { truncate } from "./util.js";

const $ = (selector) => document.querySelector(selector);
const root = $("#studio");
const tree = new TurnTree({ showHidden: root.dataset.staff === "1" });
const state = { conversationId: Number(root.dataset.conversationId) || null, conversation: null, socket: null };
const LIVE_LABELS = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", idle: "" };

const maskEditor = new MaskEditor($("#mask-dialog"));
const compareView = new CompareView($("#compare-dialog"));
const galleryPicker = new GalleryPicker($("#gallery-dialog"));
const flagDialog = new FlagDialog($("#flag-dialog"));

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
    sent(turn) {
      tree.mergeTurn(turn);
      tree.select(turn.id);
      thread.scrollToBottom();
      nameUntitled(turn.prompt);
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
      } catch (error) {
        composer.showError(error.message);
      }
    },
    usePrompt: (text) => composer.setPrompt(text),
    editFrom: (turnId) => composer.continueFrom(turnId),
    mask: (turn, image) => maskEditor.open(image, (mask) => composer.setMask({ ...mask, turnId: turn.id })),
    compare: (before, after) => compareView.open(before, after),
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
  onNew: async () => {
    sidebar.setOpen(false);
    try {
      const conversation = await api.createConversation("");
      sidebar.upsert(conversation);
      await openConversation(conversation.id, { push: true });
      composer.focus();
    } catch (error) {
      composer.showError(error.message);
    }
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
  note.textContent = readOnly
    ? `You are watching ${conversation.owner}'s conversation. Editors of ${conversation.team?.name ?? "its team"} can add to it.`
    : "";
  share.show(conversation, permissions);
}

function setTitle(title) {
  $("#conversation-title").textContent = title || "Studio";
  document.title = title ? `${title} · Studio` : "Studio";
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
    setTitle("Conversation not found");
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
    onEvent: (event) => tree.applyEvent(event),
    onState: setLive,
    onForbidden: () => {
      applyPermissions(state.conversation, { add_turns: false, manage: false });
      $("#read-only-note").textContent = "You no longer have access to this conversation.";
      composer.showError("You no longer have access to this conversation.");
    },
  });
  state.socket.connect();
}

/** A link to /c/<id>/#turn-<turn> (a gallery's "Open its turn") shows that turn's branch. */
function revealLinkedTurn() {
  const turnId = Number(/^#turn-(\d+)$/.exec(location.hash)?.[1]);
  if (!tree.get(turnId)) return false;
  tree.select(turnId);
  requestAnimationFrame(() => document.getElementById(`turn-${turnId}`)?.scrollIntoView({ block: "center" }));
  return true;
}

window.addEventListener("popstate", () => {
  const match = /^\/c\/(\d+)\/?$/.exec(location.pathname);
  openConversation(match ? Number(match[1]) : null);
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
    composer.showError(`Could not load the image options: ${error.message}`);
  }
  sidebar.load();
  await openConversation(state.conversationId);
  root.dataset.ready = "1";
}

start();
