// Small DOM and formatting helpers shared by the studio modules.

import { gettext as _, formatCount, formatDollars as formatMoney, interpolate, language, pgettext } from "./i18n.js";

/** Create an element: h("button.btn.primary", {type: "button", onclick}, "Send"). */
export function h(tag, attrs = {}, ...children) {
  const [name, ...parts] = tag.split(/(?=[.#])/);
  const node = document.createElement(name || "div");
  const classes = parts.filter((p) => p.startsWith(".")).map((p) => p.slice(1));
  const id = parts.find((p) => p.startsWith("#"));
  if (classes.length) node.className = classes.join(" ");
  if (id) node.id = id.slice(1);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "style") {
      // Through the CSSOM: a style attribute is inline style, which the CSP refuses.
      node.style.cssText = value;
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else if (key === "text") {
      node.textContent = value;
    } else if (key in node && typeof value !== "string") {
      node[key] = value;
    } else {
      node.setAttribute(key, value === true ? "" : value);
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** "42s", "3m 05s" in the page's language. */
export function formatElapsed(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return interpolate(pgettext("elapsed time", "%(seconds)ss"), { seconds }, true);
  return interpolate(pgettext("elapsed time", "%(minutes)sm %(seconds)ss"),
    { minutes: Math.floor(seconds / 60), seconds: String(seconds % 60).padStart(2, "0") }, true);
}

export function formatNumber(value) {
  return formatCount(Number(value || 0));
}

/** US dollars with as many decimals as a small amount needs: $0.0042, $0.042, $1.25. */
export function formatDollars(value) {
  return formatMoney(value, value < 0.01 ? 4 : value < 1 ? 3 : 2);
}

/** A date and time as the page's language writes it. */
export function formatDateTime(iso) {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function parseSize(size) {
  const match = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(String(size || "").trim());
  return match ? [Number(match[1]), Number(match[2])] : null;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A conversation's title; the server names one without a title "Untitled". */
export function conversationTitle(title) {
  return !title || title === "Untitled" ? _("Untitled") : title;
}

/** A sentence with a quoted text inside: ``format`` holds "%(quote)s" where the <q> goes. */
export function withQuote(format, text) {
  const [before, after = ""] = format.split("%(quote)s");
  return [before, h("q", { text }), after];
}

export function truncate(text, length) {
  const value = String(text || "").replace(/\s+/g, " ").trim();
  return value.length > length ? `${value.slice(0, length - 1)}…` : value;
}

/** Load an image URL; resolves with the element once it has decoded (never rejects). */
export function preload(url) {
  return new Promise((resolve) => {
    const img = new Image();
    img.decoding = "async";
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = url;
  });
}
