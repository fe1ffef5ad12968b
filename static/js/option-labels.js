// The words for the image options and their values, shared by the options panel, the thread
// and the gallery's lightbox. Model names, sizes (1024x1024) and formats (PNG) stay as they are.

import { gettext as _, pgettext } from "./i18n.js";

// A value without a word here is shown as it is.
export const VALUE_LABELS = {
  quality: {
    low: pgettext("image quality", "low"),
    medium: pgettext("image quality", "medium"),
    high: pgettext("image quality", "high"),
    auto: pgettext("image quality", "auto"),
    standard: pgettext("image quality", "standard"),
    hd: pgettext("image quality", "HD"),
  },
  background: {
    auto: pgettext("image background", "auto"),
    transparent: pgettext("image background", "transparent"),
    opaque: pgettext("image background", "opaque"),
  },
  input_fidelity: {
    low: pgettext("input fidelity", "low"),
    high: pgettext("input fidelity", "high"),
  },
  style: {
    vivid: pgettext("image style", "vivid"),
    natural: pgettext("image style", "natural"),
  },
  moderation: {
    auto: pgettext("moderation level", "auto"),
    low: pgettext("moderation level", "low"),
  },
  api_mode: {
    responses: _("Responses API with the image tool"),
    generate: _("Images API: generate"),
    edit: _("Images API: edit"),
    variation: _("Images API: variation"),
  },
};

/** How an option's value reads on the page: "medium" is 中 in Chinese; 1024x1024 stays. */
export function valueLabel(name, value) {
  return VALUE_LABELS[name]?.[value] ?? value;
}

/** An option's name as the options panel calls it. */
export function optionName(key) {
  const names = {
    size: _("Size"),
    quality: _("Quality"),
    output_format: _("Format"),
    output_compression: _("Compression"),
    background: _("Background"),
    input_fidelity: _("Input fidelity"),
    style: _("Style"),
    partial_images: _("Partial images"),
    n: _("Images"),
    moderation: _("Moderation"),
  };
  return names[key] ?? key.replaceAll("_", " ");
}
