// Translations for the ES modules: the catalog script in base.html (Django's
// JavaScriptCatalog, for the page's language) defines window.django; without it, English.
// Usage (docs/i18n.md):
//   import { gettext as _, ngettext, interpolate } from "./i18n.js";
//   _("Send");  interpolate(ngettext("%s image", "%s images", n), [n]);
//   interpolate(_("%(name)s joined"), { name }, true);

const catalog = globalThis.django ?? {};

export function gettext(message) {
  return catalog.gettext ? catalog.gettext(message) : message;
}

export function ngettext(singular, plural, count) {
  if (catalog.ngettext) return catalog.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

export function pgettext(context, message) {
  return catalog.pgettext ? catalog.pgettext(context, message) : message;
}

export function interpolate(format, values, named = false) {
  if (catalog.interpolate) return catalog.interpolate(format, values, named);
  if (named) return format.replace(/%\(\w+\)s/g, (match) => String(values[match.slice(2, -2)]));
  let index = 0;
  return format.replace(/%s/g, () => String(values[index++]));
}

// The page's language as written in <html lang>, for Intl formatters.
export const language = document.documentElement.lang || "en";

// Money is always US dollars; the language decides separators and how it is written.
export function formatDollars(value, digits = 2) {
  const amount = new Intl.NumberFormat(language, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return interpolate(pgettext("US dollars", "$%(amount)s"), { amount }, true);
}

export function formatCount(value) {
  return new Intl.NumberFormat(language).format(value);
}
