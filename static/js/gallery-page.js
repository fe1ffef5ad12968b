// A gallery page, for members (/galleries/<id>/) and behind a public link (/g/<token>/):
// search and order the grid, browse it in the lightbox, and for editors change it.

import { api } from "./api.js";
import { FlagDialog } from "./flag.js";
import { galleryApi } from "./gallery-api.js";
import { GalleryGrid } from "./gallery-grid.js";
import { Lightbox } from "./lightbox.js";
import { ShareDialog } from "./share-dialog.js";
import { gettext as _, interpolate } from "./i18n.js";
import { debounce, h } from "./util.js";

const $ = (selector) => document.querySelector(selector);
const root = $("#gallery");
const galleryId = Number(root.dataset.galleryId) || null;
const canEdit = root.dataset.canEdit === "1";
const search = $("#gallery-search");
const sort = $("#gallery-sort");

const grid = new GalleryGrid({
  list: $("#gallery-grid"),
  more: $("#gallery-more"),
  empty: $("#gallery-empty"),
  itemsUrl: root.dataset.itemsUrl,
  items: JSON.parse($("#gallery-items").textContent),
  nextCursor: $("#gallery-more").dataset.nextCursor || null,
  filters: currentFilters(),
  onOpen: (index) => lightbox.open(index),
});

// Members may flag an item for review; a public page has no one to flag as.
const flagDialog = galleryId ? new FlagDialog($("#flag-dialog")) : null;

async function flagItem(item) {
  if (!flagDialog.reasons.length) {
    const reasons = await runOrAlert(async () => (await api.capabilities()).flag_reasons);
    if (reasons === false) return;
    flagDialog.setReasons(reasons);
  }
  flagDialog.open(item, (reason, note) => api.flagGalleryItem(item.id, reason, note));
}

const lightbox = new Lightbox({
  dialog: $("#lightbox"),
  grid,
  flag: flagDialog ? flagItem : null,
  canReorder: () => sort.value === "hand" && !search.value.trim(),
  actions: canEdit ? {
    async caption(item, caption) {
      grid.replace(await galleryApi.captionItem(galleryId, item.id, caption));
      lightbox.refresh();
    },
    async move(item, offset) {
      const index = grid.indexOf(item.id);
      const neighbour = grid.items[index + offset];
      if (!neighbour) return;
      const where = offset < 0 ? { before_id: neighbour.id } : { after_id: neighbour.id };
      if (await runOrAlert(() => galleryApi.moveItem(galleryId, item.id, where)) === false) return;
      grid.move(item.id, index + offset);
      lightbox.show(index + offset);
    },
    async remove(item) {
      if (!window.confirm(_("Remove this image from the gallery? It stays in its conversation."))) return;
      if (await runOrAlert(() => galleryApi.removeItem(galleryId, item.id)) === false) return;
      grid.remove(item.id);
      lightbox.refresh();
    },
  } : null,
});

function currentFilters() {
  return { q: search.value.trim(), sort: sort.value };
}

async function runOrAlert(call) {
  try {
    return await call();
  } catch (error) {
    window.alert(error.message);
    return false;
  }
}

async function applyFilters() {
  const filters = currentFilters();
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.sort !== "date") params.set("sort", filters.sort);
  history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
  await grid.reload(filters);
}

$("#gallery-tools").addEventListener("submit", (event) => {
  event.preventDefault();
  applyFilters();
});
search.addEventListener("input", debounce(applyFilters, 300));
sort.addEventListener("change", applyFilters);

function startRename() {
  const title = $("#gallery-name");
  const input = h("input.rename-input", { type: "text", value: title.textContent, maxlength: 100,
    "aria-label": _("Gallery name") });
  let done = false;
  const finish = async (save) => {
    if (done) return;
    done = true;
    const name = input.value.trim();
    if (save && name && name !== title.textContent) {
      const renamed = await runOrAlert(() => galleryApi.rename(galleryId, name));
      if (renamed) {
        title.textContent = renamed.name;
        document.title = `${renamed.name} · ${_("Galleries")} · Studio`;
      }
    }
    input.replaceWith(title);
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") finish(true);
    if (event.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
  title.replaceWith(input);
  input.focus();
  input.select();
}

async function deleteGallery() {
  const name = $("#gallery-name").textContent;
  const question = _("Delete the gallery “%(name)s”? Its images stay in their conversations.");
  if (!window.confirm(interpolate(question, { name }, true))) return;
  if (await runOrAlert(() => galleryApi.remove(galleryId)) === false) return;
  location.assign("/galleries/");
}

$("#rename-gallery")?.addEventListener("click", startRename);
$("#delete-gallery")?.addEventListener("click", deleteGallery);
const shareButton = $("#share-gallery");
if (shareButton) {
  const share = new ShareDialog({ dialog: $("#share-dialog"), galleryId });
  shareButton.addEventListener("click", () => share.open());
}

root.dataset.ready = "1";
