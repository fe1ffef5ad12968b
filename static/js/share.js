// Who a conversation is shared with: a team menu for its owner, a label for everyone else.

import { api } from "./api.js";
import { gettext as _, interpolate } from "./i18n.js";
import { clear, h } from "./util.js";

export class ShareControl {
  constructor({ container, onShared, onError }) {
    Object.assign(this, { container, onShared, onError });
    this.teams = null; // loaded once, on the first conversation its owner opens
  }

  async show(conversation, permissions) {
    clear(this.container);
    this.container.hidden = !conversation;
    if (!conversation) return;
    if (!permissions?.manage) {
      const values = { owner: conversation.owner, team: conversation.team?.name ?? "" };
      const text = permissions?.add_turns
        ? _("%(owner)s’s, shared in %(team)s · you can add to it")
        : _("%(owner)s’s, shared in %(team)s · you can watch it");
      this.container.append(h("span.share-label", { text: interpolate(text, values, true) }));
      return;
    }
    if (this.teams === null) {
      try {
        this.teams = (await api.listTeams()).teams;
      } catch {
        this.teams = [];
      }
    }
    if (!this.teams.length && !conversation.team) return;
    const select = h("select#share-team", { "aria-label": _("Share with a team") },
      h("option", { value: "" }, _("Private")),
      ...this.teams.map((team) => h("option", { value: String(team.id) },
        interpolate(_("Shared · %(team)s"), { team: team.name }, true))));
    select.value = conversation.team ? String(conversation.team.id) : "";
    select.addEventListener("change", async () => {
      select.disabled = true;
      try {
        const teamId = select.value ? Number(select.value) : null;
        this.onShared(await api.shareConversation(conversation.id, teamId));
      } catch (error) {
        select.value = conversation.team ? String(conversation.team.id) : "";
        this.onError(error.message);
      } finally {
        select.disabled = false;
      }
    });
    this.container.append(select);
  }
}
