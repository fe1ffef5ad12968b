// The conversation list: new, search, rename (inline) and delete.

import { api } from "./api.js";
import { icon } from "./icons.js";
import { gettext as _, interpolate } from "./i18n.js";
import { clear, conversationTitle, debounce, h } from "./util.js";

export class Sidebar {
  constructor({ root, list, search, newButton, toggle, scrim, username, onOpen, onNew, onDeleted, onRenamed }) {
    Object.assign(this, { root, list, search, toggle, scrim, username, onOpen, onNew, onDeleted, onRenamed });
    this.items = [];
    this.activeId = null;
    newButton.addEventListener("click", () => this.onNew());
    search.addEventListener("input", debounce(() => this.load(), 250));
    toggle.addEventListener("click", () => this.setOpen(!root.classList.contains("open")));
    scrim.addEventListener("click", () => this.setOpen(false));
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && root.classList.contains("open")) {
        this.setOpen(false);
        toggle.focus();
      }
    });
    list.addEventListener("keydown", (event) => this.moveFocus(event));
  }

  /** The list is one Tab stop (the open conversation, else the first); arrows move within it. */
  moveFocus(event) {
    const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
    if (!(event.key in moves) || !event.target.matches(".conversation-link")) return;
    event.preventDefault();
    const links = [...this.list.querySelectorAll(".conversation-link")];
    const index = links.indexOf(event.target) + moves[event.key];
    const next = links[Math.max(0, Math.min(links.length - 1, Number.isFinite(index) ? index : index > 0 ? links.length - 1 : 0))];
    this.setTabStop(next.closest("li"));
    next.focus();
  }

  setTabStop(stop) {
    for (const li of this.list.children) {
      for (const control of li.querySelectorAll("a, button")) control.tabIndex = li === stop ? 0 : -1;
    }
  }

  setOpen(open) {
    this.root.classList.toggle("open", open);
    this.scrim.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open) this.search.focus();
  }

  async load() {
    try {
      const data = await api.listConversations(this.search.value.trim());
      this.items = data.conversations;
    } catch (error) {
      this.items = [];
      clear(this.list).append(h("li.list-note", { text: error.message }));
      return;
    }
    this.render();
  }

  setActive(id) {
    this.activeId = id;
    this.render();
  }

  upsert(conversation) {
    const index = this.items.findIndex((c) => c.id === conversation.id);
    if (index >= 0) this.items[index] = { ...this.items[index], ...conversation };
    else this.items.unshift(conversation);
    this.render();
  }

  render() {
    clear(this.list);
    if (!this.items.length) {
      this.list.append(h("li.list-note", { text: this.search.value ? _("No conversation matches.") : _("No conversations yet.") }));
      return;
    }
    for (const item of this.items) this.list.append(this.renderItem(item));
    this.setTabStop(this.list.querySelector(".conversation-item.active") || this.list.firstElementChild);
  }

  renderItem(item) {
    const active = item.id === this.activeId;
    const link = h("a.conversation-link", { href: `/c/${item.id}/`, "aria-current": active ? "page" : null,
      onclick: (event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        this.setOpen(false);
        this.onOpen(item.id);
      } }, conversationTitle(item.title));
    const li = h(`li.conversation-item${active ? ".active" : ""}`, { dataset: { conversationId: item.id } }, link);
    if (item.owner !== this.username) {
      link.append(h("span.shared-by", { text: `${item.owner} · ${item.team?.name || ""}` }));
      return li;
    }
    if (item.team) link.append(h("span.shared-by", { text: interpolate(_("Shared · %(team)s"), { team: item.team.name }, true) }));
    li.append(
      h("div.item-actions", {},
        h("button.btn.icon.tiny", { type: "button", title: _("Rename"),
          "aria-label": interpolate(_("Rename %(title)s"), { title: conversationTitle(item.title) }, true),
          onclick: (event) => this.startRename(event.currentTarget.closest("li"), item) }, icon("pencil")),
        h("button.btn.icon.tiny.danger", { type: "button", title: _("Delete"),
          "aria-label": interpolate(_("Delete %(title)s"), { title: conversationTitle(item.title) }, true),
          onclick: () => this.remove(item) }, icon("trash"))));
    return li;
  }

  startRename(li, item) {
    const input = h("input.rename-input", { type: "text", value: item.title === "Untitled" ? "" : item.title,
      maxlength: 200, "aria-label": _("New title") });
    let finished = false;
    const finish = async (save) => {
      if (finished) return;
      finished = true;
      if (save && input.value.trim() !== item.title) {
        try {
          const updated = await api.renameConversation(item.id, input.value.trim());
          this.upsert(updated);
          this.onRenamed(updated);
        } catch (error) {
          window.alert(error.message);
          this.render();
        }
      } else {
        this.render();
      }
    };
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener("blur", () => finish(true));
    clear(li).append(input);
    input.focus();
    input.select();
  }

  async remove(item) {
    const question = _("Delete “%(title)s” and all its images? This cannot be undone.");
    if (!window.confirm(interpolate(question, { title: conversationTitle(item.title) }, true))) return;
    try {
      await api.deleteConversation(item.id);
    } catch (error) {
      window.alert(error.message);
      return;
    }
    this.items = this.items.filter((c) => c.id !== item.id);
    this.render();
    this.onDeleted(item.id);
  }
}
