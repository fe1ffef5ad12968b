// A gallery's grid of thumbnails. The server renders the first page; the next keyset page
// loads when the end of the grid comes near the viewport, so a gallery of any size opens as
// fast as a small one.

import { galleryApi } from "./gallery-api.js";
import { gettext as _, interpolate } from "./i18n.js";
import { clear, h } from "./util.js";

const LOAD_AHEAD = "800px 0px";

export class GalleryGrid {
  constructor({ list, more, empty, itemsUrl, items, nextCursor, filters, onOpen }) {
    Object.assign(this, { list, more, empty, itemsUrl, nextCursor, filters, onOpen });
    this.items = items;
    this.loading = null;
    // Bumped on every reload, so a page that arrives for an older search is dropped.
    this.generation = 0;
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) this.loadMore();
    }, { rootMargin: LOAD_AHEAD });
    this.observer.observe(more);
    list.addEventListener("click", (event) => this.clicked(event));
    this.renderMore();
  }

  get hasMore() {
    return Boolean(this.nextCursor);
  }

  indexOf(itemId) {
    return this.items.findIndex((item) => item.id === itemId);
  }

  clicked(event) {
    const tile = event.target.closest(".tile");
    if (!tile || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    this.onOpen(this.indexOf(Number(tile.dataset.itemId)));
  }

  /** Load the next page; resolves once it is in (at once when there is nothing more). */
  loadMore() {
    if (!this.nextCursor) return Promise.resolve();
    if (!this.loading) this.loading = this.fetchPage(this.nextCursor).finally(() => { this.loading = null; });
    return this.loading;
  }

  async reload(filters) {
    this.filters = filters;
    this.nextCursor = null;
    this.items = [];
    clear(this.list);
    this.loading = this.fetchPage("").finally(() => { this.loading = null; });
    await this.loading;
  }

  async fetchPage(cursor) {
    const generation = this.generation + (cursor ? 0 : 1);
    this.generation = generation;
    this.renderMore(_("Loading…"));
    let page;
    try {
      page = await galleryApi.items(this.itemsUrl, { ...this.filters, cursor });
    } catch (error) {
      if (generation === this.generation) this.renderMore(error.message);
      return;
    }
    if (generation !== this.generation) return;
    this.nextCursor = page.next_cursor;
    for (const item of page.items) {
      this.items.push(item);
      this.list.append(tile(item));
    }
    this.renderMore();
    // Still in view after a short page: observing again fires the observer once more.
    this.observer.unobserve(this.more);
    this.observer.observe(this.more);
  }

  renderMore(note = "") {
    clear(this.more);
    if (note) this.more.append(h("span.gallery-note", { role: "status", text: note }));
    this.empty.hidden = this.items.length > 0 || Boolean(note);
    if (!this.empty.hidden) {
      this.empty.textContent = this.filters.q
        ? interpolate(_("No image matches “%(query)s”."), { query: this.filters.q }, true) : _("No images yet.");
    }
  }

  replace(item) {
    const index = this.indexOf(item.id);
    if (index < 0) return;
    this.items[index] = item;
    this.tileOf(item.id)?.replaceWith(tile(item));
  }

  remove(itemId) {
    const index = this.indexOf(itemId);
    if (index < 0) return;
    this.items.splice(index, 1);
    this.tileOf(itemId)?.remove();
    this.renderMore();
  }

  /** Move an item to ``toIndex`` among the loaded ones, in the list and on screen. */
  move(itemId, toIndex) {
    const from = this.indexOf(itemId);
    if (from < 0 || toIndex < 0 || toIndex >= this.items.length) return;
    const [item] = this.items.splice(from, 1);
    this.items.splice(toIndex, 0, item);
    const node = this.tileOf(itemId);
    const after = this.items[toIndex + 1];
    if (after) this.tileOf(after.id).before(node);
    else this.list.append(node);
  }

  tileOf(itemId) {
    return this.list.querySelector(`.tile[data-item-id="${itemId}"]`);
  }
}

function tile(item) {
  const label = item.caption || item.prompt;
  return h("li.tile", { dataset: { itemId: item.id } },
    h("a.tile-link", { href: item.url },
      h("img", { src: item.thumbnail_url, alt: label.slice(0, 140), width: item.width, height: item.height,
        loading: "lazy", decoding: "async" })),
    item.caption ? h("p.tile-caption", { text: item.caption }) : null);
}
