// The gallery endpoints (docs/api.md), over the studio's request helper.

import { request } from "./api.js";

const base = (galleryId) => `/api/galleries/${galleryId}`;

export const galleryApi = {
  list: ({ editable = false } = {}) => request("GET", `/api/galleries/${editable ? "?editable=1" : ""}`),
  create: (teamId, name) => request("POST", "/api/galleries/", { json: { team_id: teamId, name } }),
  rename: (galleryId, name) => request("PATCH", `${base(galleryId)}/`, { json: { name } }),
  remove: (galleryId) => request("DELETE", `${base(galleryId)}/`),
  /** A page of items from ``url`` (a member's or a public link's), after ``cursor``. */
  items: (url, { q = "", sort = "date", cursor = "" } = {}) => {
    const params = new URLSearchParams({ sort });
    if (q) params.set("q", q);
    if (cursor) params.set("cursor", cursor);
    return request("GET", `${url}?${params}`);
  },
  addItem: (galleryId, imageId, caption) =>
    request("POST", `${base(galleryId)}/items/`, { json: { image_id: imageId, caption } }),
  captionItem: (galleryId, itemId, caption) =>
    request("PATCH", `${base(galleryId)}/items/${itemId}/`, { json: { caption } }),
  removeItem: (galleryId, itemId) => request("DELETE", `${base(galleryId)}/items/${itemId}/`),
  /** ``where`` is {before_id} or {after_id}. */
  moveItem: (galleryId, itemId, where) =>
    request("POST", `${base(galleryId)}/items/${itemId}/move/`, { json: where }),
  links: (galleryId) => request("GET", `${base(galleryId)}/links/`),
  createLink: (galleryId, expiresAt) =>
    request("POST", `${base(galleryId)}/links/`, { json: { expires_at: expiresAt } }),
  revokeLink: (galleryId, linkId) => request("POST", `${base(galleryId)}/links/${linkId}/revoke/`),
};
