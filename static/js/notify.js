// Telling a person who looked away that their image finished: a mark in the tab title while
// the tab is in the background, and, if they asked for it, a browser notification.

import { gettext as _, pgettext } from "./i18n.js";

const STORAGE_KEY = "studio.notify.v1";
// Each outcome: its word in the tab title and the notification's heading.
const FINISHED = {
  "turn.completed": { mark: pgettext("turn outcome", "Done"), heading: _("Your image is ready") },
  "turn.failed": { mark: pgettext("turn outcome", "Failed"), heading: _("Your image could not be made") },
  "turn.blocked": { mark: pgettext("turn outcome", "Blocked"), heading: _("Your image was blocked") },
};

export class TurnNotifier {
  constructor({ toggle }) {
    this.toggle = toggle;
    this.baseTitle = document.title;
    this.watched = new Set(); // turns started from this page
    this.unseen = 0;
    this.lastOutcome = "";
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.clearUnseen();
    });
    window.addEventListener("focus", () => this.clearUnseen());
    if (toggle) {
      toggle.hidden = !("Notification" in window);
      toggle.addEventListener("click", () => this.setWanted(!this.wanted));
      this.renderToggle();
    }
  }

  get wanted() {
    try {
      return localStorage.getItem(STORAGE_KEY) === "1" && Notification.permission === "granted";
    } catch {
      return false;
    }
  }

  async setWanted(wanted) {
    if (wanted && Notification.permission !== "granted") {
      await Notification.requestPermission();
    }
    try {
      localStorage.setItem(STORAGE_KEY, wanted && Notification.permission === "granted" ? "1" : "0");
    } catch {
      // Without storage the choice lasts as long as the page.
    }
    this.renderToggle();
  }

  renderToggle() {
    const on = this.wanted;
    this.toggle.setAttribute("aria-pressed", String(on));
    this.toggle.title = on ? _("You get a notification when an image finishes while this tab is in the background")
      : _("Get a notification when an image finishes while this tab is in the background");
  }

  setTitle(title) {
    this.baseTitle = title;
    this.renderTitle();
  }

  watch(turnId) {
    this.watched.add(turnId);
  }

  /** A turn event: when a turn started here finishes out of sight, say so. */
  onEvent(event, turn) {
    const outcome = FINISHED[event.type];
    if (!outcome || !this.watched.has(event.turn_id)) return;
    this.watched.delete(event.turn_id);
    if (!document.hidden) return;
    this.unseen += 1;
    this.lastOutcome = outcome;
    this.renderTitle();
    if (this.wanted) this.notify(outcome, turn);
  }

  notify(outcome, turn) {
    const prompt = turn?.prompt || "";
    try {
      const note = new Notification(outcome.heading,
        { body: prompt.slice(0, 140), tag: `studio-turn-${turn?.id}` });
      note.onclick = () => {
        window.focus();
        note.close();
      };
    } catch {
      // Some browsers only notify from a service worker; the tab title still says it.
    }
  }

  clearUnseen() {
    if (!this.unseen) return;
    this.unseen = 0;
    this.renderTitle();
  }

  renderTitle() {
    const mark = this.unseen ? `(${this.unseen}) ${this.lastOutcome.mark} · ` : "";
    document.title = `${mark}${this.baseTitle}`;
  }
}
