// The JSON endpoints of the studio (session auth, CSRF header on writes).

import { gettext as _, interpolate } from "./i18n.js";

export class ApiError extends Error {
  constructor(message, { status = 0, field = null } = {}) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export async function request(method, url, { json, form } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(_("Could not reach Studio. Check your connection and try again."));
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 || response.status === 403) {
      if (!data?.error) throw new ApiError(_("Your session has ended; reload the page and log in."), { status: response.status });
    }
    const error = data?.error || {};
    throw new ApiError(error.message || interpolate(_("The server answered %(status)s."), { status: response.status }, true), {
      status: response.status,
      field: error.field || null,
    });
  }
  return data;
}

export const api = {
  listConversations: (query = "") =>
    request("GET", `/api/conversations/${query ? `?q=${encodeURIComponent(query)}` : ""}`),
  createConversation: (title = "") => request("POST", "/api/conversations/", { json: { title } }),
  getConversation: (id) => request("GET", `/api/conversations/${id}/`),
  renameConversation: (id, title) => request("PATCH", `/api/conversations/${id}/`, { json: { title } }),
  deleteConversation: (id) => request("DELETE", `/api/conversations/${id}/`),
  startTurn: (conversationId, form) => request("POST", `/api/conversations/${conversationId}/turns/`, { form }),
  getTurn: (id) => request("GET", `/api/turns/${id}/`),
  deleteTurn: (id) => request("DELETE", `/api/turns/${id}/`),
  deleteImage: (id) => request("DELETE", `/api/images/${id}/`),
  listFavourites: () => request("GET", "/api/favourites/"),
  favourite: (imageId) => request("PUT", `/api/images/${imageId}/favourite/`),
  unfavourite: (imageId) => request("DELETE", `/api/images/${imageId}/favourite/`),
  cancelTurn: (id) => request("POST", `/api/turns/${id}/cancel/`),
  retryTurn: (id) => request("POST", `/api/turns/${id}/retry/`),
  shareConversation: (id, teamId) => request("PATCH", `/api/conversations/${id}/`, { json: { team_id: teamId } }),
  listTeams: () => request("GET", "/api/teams/"),
  capabilities: (conversationId = null) =>
    request("GET", conversationId ? `/api/capabilities/?conversation=${conversationId}` : "/api/capabilities/"),
  estimate: (query) => request("GET", `/api/estimate/?${query}`),
  flagImage: (id, reason, note) => request("POST", `/api/images/${id}/flag/`, { json: { reason, note } }),
  flagGalleryItem: (id, reason, note) =>
    request("POST", `/api/gallery-items/${id}/flag/`, { json: { reason, note } }),
};
