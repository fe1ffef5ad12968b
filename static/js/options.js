// The options panel: offers only what the chosen model and provider support
// (GET /api/capabilities/), remembers the choice, and estimates the cost before sending
// (GET /api/estimate/, so the page and the budget checks use the same figures).

import { api } from "./api.js";
import { gettext as _, interpolate, ngettext, pgettext } from "./i18n.js";
import { VALUE_LABELS, valueLabel } from "./option-labels.js";
import { clear, formatDollars, formatNumber, h } from "./util.js";

const STORAGE_KEY = "studio.options.v1";
const ESTIMATED_OPTIONS = ["size", "quality", "partial_images", "n"];
const CUSTOM = "custom";
// The Responses image tool draws one picture per turn: several versions are several turns,
// and each counts against the running-turn limit.
const MAX_VERSIONS = 4;
// Typed values: changing them must not rebuild the panel, or Tab would lose its place.
const TYPED = new Set(["custom_width", "custom_height", "n"]);

const DEFAULTS = {
  api_mode: "responses",
  size: "1024x1024",
  quality: "medium",
  output_format: "png",
  output_compression: 90,
  background: "auto",
  input_fidelity: "",
  partial_images: 2,
  n: 1,
  style: "",
  custom_width: 1536,
  custom_height: 864,
};

/** "estimated ≈ 1,256 image tokens · ≈ $0.050" for an /api/estimate/ answer. */
export function describeEstimate(estimate, versions = 1) {
  const cost = estimate.priced
    ? interpolate(_("≈ %(cost)s"), { cost: formatDollars(estimate.cost) }, true) : _("no price set");
  const each = versions > 1 ? interpolate(ngettext("%(count)s version", "%(count)s versions", versions),
    { count: versions }, true) : "";
  if (estimate.bills_per_image) {
    return each
      ? interpolate(_("estimated %(cost)s each, billed per image, %(versions)s"), { cost, versions: each }, true)
      : interpolate(_("estimated %(cost)s, billed per image"), { cost }, true);
  }
  const tokens = formatNumber(estimate.tokens);
  return each
    ? interpolate(_("estimated ≈ %(tokens)s image tokens · %(cost)s each, %(versions)s"),
      { tokens, cost, versions: each }, true)
    : interpolate(_("estimated ≈ %(tokens)s image tokens · %(cost)s"), { tokens, cost }, true);
}

export class OptionsPanel {
  constructor({ panel, toggle, summary, estimate, onChange }) {
    this.panel = panel;
    this.toggle = toggle;
    this.summaryEl = summary;
    this.estimateEl = estimate;
    this.onChange = onChange || (() => {});
    this.caps = null;
    // Settles once the capabilities are in, or could not be loaded (then the server's defaults).
    this.ready = new Promise((resolve) => { this.settle = resolve; });
    this.estimates = new Map(); // query string -> answer, so flipping options back is free
    this.estimateQuery = "";
    this.moderation = null; // the open conversation's level; null: the site's
    this.state = { ...DEFAULTS, ...loadSaved() };
    delete this.state.moderation; // chosen by the site or team now, not per turn
    toggle.addEventListener("click", () => this.setOpen(this.panel.hidden));
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        this.setOpen(false);
        toggle.focus();
      }
    });
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open) this.panel.querySelector("select, input")?.focus();
  }

  setCapabilities(caps) {
    this.caps = caps;
    this.settle();
    if (!this.state.model || !caps.models[this.state.model]) this.state.model = caps.default_model;
    this.render();
  }

  /** Without capabilities the turns go with the server's default options. */
  capabilitiesUnavailable() {
    this.settle();
  }

  /** Show the moderation level that applies ({level, source}); null: the site's default. */
  setModeration(setting) {
    this.moderation = setting || null;
    if (this.caps) this.render();
  }

  get model() {
    return this.caps?.models[this.state.model] || null;
  }

  get apiMode() {
    return this.state.api_mode;
  }

  /** Switch the API mode when an action needs one (a mask needs an image edit). */
  ensureMode(preferred) {
    const modes = this.model?.modes || [];
    if (modes.includes(this.state.api_mode) && preferred.includes(this.state.api_mode)) return;
    const mode = preferred.find((m) => modes.includes(m));
    if (mode) {
      this.state.api_mode = mode;
      this.render();
    }
  }

  set(name, value) {
    this.state[name] = value;
    this.notice = this.resolveConflicts(name);
    if (TYPED.has(name)) this.refresh();
    else this.render();
  }

  /** Undo a choice the new one makes impossible, as it is made; returns what changed, or "". */
  resolveConflicts(changed) {
    const s = this.state;
    const m = this.model;
    if (s.background !== "transparent" || s.output_format !== "jpeg") return "";
    if (changed === "background") {
      s.output_format = m?.output_formats.includes("png") ? "png" : (m?.output_formats.find((f) => f !== "jpeg") || "png");
      return interpolate(_("A transparent background needs %(format)s: the format is now %(format)s."),
        { format: s.output_format.toUpperCase() }, true);
    }
    s.background = "auto";
    return _("JPEG has no transparency: the background is now auto.");
  }

  /** How many versions of the prompt to start (Responses only; the Images API takes n). */
  candidates() {
    if (this.state.api_mode !== "responses" || !this.model) return 1;
    return Math.max(1, Math.min(Number(this.state.n) || 1, MAX_VERSIONS));
  }

  /** Options as the turns endpoint takes them: only what this model supports. */
  values() {
    const m = this.model;
    const s = this.state;
    if (!m) return {};
    const options = { model: m.model, provider: m.provider_id };
    const size = this.size();
    if (size) options.size = size;
    if (m.qualities.includes(s.quality)) options.quality = s.quality;
    if (m.output_formats.length > 1 && m.output_formats.includes(s.output_format)) {
      options.output_format = s.output_format;
      if (m.supports_compression && s.output_format !== "png") {
        options.output_compression = Number(s.output_compression);
      }
    }
    if (m.backgrounds.includes(s.background)) options.background = s.background;
    if (s.input_fidelity && m.input_fidelities.includes(s.input_fidelity) && s.api_mode !== "generate") {
      options.input_fidelity = s.input_fidelity;
    }
    if (m.max_partial_images > 0) {
      options.partial_images = Math.min(Number(s.partial_images) || 0, m.max_partial_images);
    }
    const n = Math.max(1, Math.min(Number(s.n) || 1, m.max_n));
    if (n > 1 && s.api_mode !== "responses") options.n = n;
    if (m.styles.includes(s.style)) options.style = s.style;
    return options;
  }

  size() {
    const m = this.model;
    if (!m) return null;
    if (this.state.size === CUSTOM && m.supports_custom_size) {
      return `${Number(this.state.custom_width)}x${Number(this.state.custom_height)}`;
    }
    return m.sizes.includes(this.state.size) ? this.state.size : m.sizes[0];
  }

  /** A message when the custom size breaks the model's rules, else "". */
  sizeProblem() {
    const m = this.model;
    if (!m || this.state.size !== CUSTOM || !m.size_rules) return "";
    const r = m.size_rules;
    const w = Number(this.state.custom_width);
    const hgt = Number(this.state.custom_height);
    const problems = [];
    if (!w || !hgt) return _("Enter a width and a height.");
    if (w % r.multiple_of || hgt % r.multiple_of) {
      problems.push(interpolate(_("edges must be multiples of %(number)s"), { number: r.multiple_of }, true));
    }
    if (Math.max(w, hgt) > r.max_edge) {
      problems.push(interpolate(_("the longest edge may be at most %(pixels)spx"), { pixels: r.max_edge }, true));
    }
    if (Math.max(w, hgt) > r.max_ratio * Math.min(w, hgt)) {
      problems.push(interpolate(_("the ratio may be at most %(ratio)s:1"), { ratio: r.max_ratio }, true));
    }
    if (w * hgt < r.min_pixels || w * hgt > r.max_pixels) {
      problems.push(interpolate(_("the area must be %(min)s–%(max)s pixels"),
        { min: formatNumber(r.min_pixels), max: formatNumber(r.max_pixels) }, true));
    }
    return problems.length
      ? interpolate(_("Custom size: %(problems)s."), { problems: problems.join(pgettext("list separator", "; ")) }, true)
      : "";
  }

  summary() {
    const o = this.values();
    const count = this.candidates();
    const versions = count > 1 ? interpolate(ngettext("%(count)s version", "%(count)s versions", count), { count }, true) : "";
    return [o.model, o.size, o.quality && valueLabel("quality", o.quality), versions].filter(Boolean).join(" · ");
  }

  /** Show what the chosen options are estimated to use; answers to stale choices are dropped. */
  async updateEstimate() {
    const m = this.model;
    if (!m || this.sizeProblem()) {
      this.estimateQuery = "";
      this.estimateEl.textContent = "";
      return;
    }
    const o = this.values();
    const query = new URLSearchParams({ model: o.model, provider: o.provider, api_mode: this.state.api_mode });
    for (const name of ESTIMATED_OPTIONS) if (o[name] !== undefined) query.set(name, o[name]);
    const key = query.toString();
    this.estimateQuery = key;
    let estimate = this.estimates.get(key);
    if (!estimate) {
      try {
        estimate = await api.estimate(key);
        this.estimates.set(key, estimate);
      } catch {
        estimate = null; // the estimate is a courtesy; sending still works without it
      }
    }
    if (this.estimateQuery === key) {
      this.estimateEl.textContent = estimate ? describeEstimate(estimate, this.candidates()) : "";
    }
  }

  render() {
    const m = this.model;
    if (!m) return;
    const s = this.state;
    if (!m.modes.includes(s.api_mode)) s.api_mode = m.modes[0];
    const fields = [
      this.modelSelect(),
      this.select("api_mode", _("API"), this.caps.api_modes
        .filter((mode) => m.modes.includes(mode.value))
        .map((mode) => [mode.value, VALUE_LABELS.api_mode[mode.value] ?? mode.label])),
      this.sizeField(m),
      this.select("quality", _("Quality"), this.labelled("quality", m.qualities)),
    ];
    if (m.output_formats.length > 1) {
      fields.push(this.select("output_format", _("Format"), m.output_formats.map((f) => [f, f])));
    }
    if (m.supports_compression && m.output_formats.includes(s.output_format) && s.output_format !== "png") {
      fields.push(this.range("output_compression", _("Compression"), 0, 100, 1, "%"));
    }
    if (m.backgrounds.length) {
      fields.push(this.select("background", _("Background"), this.labelled("background", m.backgrounds), (value) =>
        value === "transparent" && s.output_format === "jpeg"));
    }
    if (m.moderations.length) fields.push(this.moderationField());
    const byDefault = ["", pgettext("option value", "default")];
    if (m.input_fidelities.length && s.api_mode !== "generate") {
      fields.push(this.select("input_fidelity", _("Input fidelity"),
        [byDefault, ...this.labelled("input_fidelity", m.input_fidelities)]));
    }
    if (m.styles.length) fields.push(this.select("style", _("Style"), [byDefault, ...this.labelled("style", m.styles)]));
    if (m.max_partial_images > 0) {
      fields.push(this.select("partial_images", _("Partial images"),
        Array.from({ length: m.max_partial_images + 1 }, (_unused, i) => [String(i), String(i)])));
    }
    // The Images API takes a count; in the Responses mode each version is a turn of its own.
    if (m.max_n > 1 && s.api_mode !== "responses") fields.push(this.number("n", _("Images"), 1, m.max_n, 1));
    if (s.api_mode === "responses") {
      fields.push(this.number("n", _("Versions"), 1, MAX_VERSIONS, 1,
        _("Send the prompt this many times at once; the results are versions to choose from")));
    }
    const focused = document.activeElement?.id;
    clear(this.panel);
    this.problemEl = h("p.field-error", { role: "alert", hidden: true });
    this.noticeEl = h("p.help.option-notice", { role: "status" });
    this.panel.append(h("legend.visually-hidden", { text: _("Image options") }), h("div.options-grid", {}, fields),
      this.problemEl, this.noticeEl);
    if (m.note) this.panel.append(h("p.help", { text: m.note }));
    if (m.warning) this.panel.append(h("p.field-warning", { role: "status", text: m.warning }));
    if (focused) document.getElementById(focused)?.focus();
    this.refresh();
  }

  /** Everything that follows a value but not the fields themselves. */
  refresh() {
    const problem = this.sizeProblem();
    this.problemEl.textContent = problem;
    this.problemEl.hidden = !problem;
    this.noticeEl.textContent = this.notice || "";
    this.summaryEl.textContent = this.summary();
    this.updateEstimate();
    saveState(this.state);
    this.onChange(this.values());
  }

  /** Read-only: the provider's moderation level is the site's or the team's policy. */
  moderationField() {
    const setting = this.moderation || this.caps.moderation || { level: "auto", source: "site" };
    const source = setting.source === "team" ? _("set by this conversation’s team") : _("set by the site");
    return h("div.field", {}, h("label", { for: "opt-moderation", text: _("Moderation") }),
      h("output#opt-moderation.moderation-note", { title: source,
        text: `${valueLabel("moderation", setting.level)} · ${source}` }));
  }

  /** [value, label] choices for a select of ``name``'s values. */
  labelled(name, values) {
    return values.map((value) => [value, valueLabel(name, value)]);
  }

  sizeField(m) {
    const s = this.state;
    const sizes = m.sizes.map((v) => [v, v]);
    if (m.supports_custom_size) sizes.push([CUSTOM, _("custom W×H")]);
    if (!sizes.some(([v]) => v === s.size)) s.size = m.sizes.includes("1024x1024") ? "1024x1024" : m.sizes[0];
    const field = this.select("size", _("Size"), sizes);
    if (s.size !== CUSTOM) return field;
    return h("div.field.size-field", {},
      field,
      h("div.custom-size", {},
        this.number("custom_width", _("Width"), 16, m.size_rules?.max_edge || 4096, m.size_rules?.multiple_of || 16),
        h("span", { "aria-hidden": "true", text: "×" }),
        this.number("custom_height", _("Height"), 16, m.size_rules?.max_edge || 4096, m.size_rules?.multiple_of || 16)));
  }

  /** Models grouped by provider; each option's value is "provider id:model". */
  modelSelect() {
    const value = this.state.model;
    const label = (key) => {
      const m = this.caps.models[key];
      const marks = [m.status === "unverified" ? _("unverified") : "", m.warning ? _("shutting down") : ""];
      const extra = marks.filter(Boolean).join(pgettext("list separator", ", "));
      return extra ? interpolate(_("%(model)s (%(marks)s)"), { model: m.model, marks: extra }, true) : m.model;
    };
    const groups = this.caps.providers.map((provider) =>
      h("optgroup", { label: provider.name },
        provider.models.map((key) => h("option", { value: key, selected: key === value }, label(key)))));
    const select = h("select", { id: "opt-model", name: "model", onchange: (e) => this.set("model", e.target.value) }, groups);
    return h("div.field", {}, h("label", { for: "opt-model", text: _("Model") }), select);
  }

  select(name, label, choices, isDisabled = () => false) {
    const id = `opt-${name}`;
    const value = String(this.state[name] ?? "");
    const select = h("select", { id, name, onchange: (e) => this.set(name, e.target.value) },
      choices.map(([v, text]) => h("option", { value: v, selected: v === value, disabled: isDisabled(v) }, text)));
    return h("div.field", {}, h("label", { for: id, text: label }), select);
  }

  number(name, label, min, max, step, title = null) {
    const id = `opt-${name}`;
    const input = h("input", { id, name, type: "number", min, max, step, value: String(this.state[name]), title,
      onchange: (e) => this.set(name, e.target.value) });
    return h("div.field", {}, h("label", { for: id, text: label }), input);
  }

  range(name, label, min, max, step, unit) {
    const id = `opt-${name}`;
    const output = h("output", { for: id, text: `${this.state[name]}${unit}` });
    const input = h("input", { id, name, type: "range", min, max, step, value: String(this.state[name]),
      oninput: (e) => { output.textContent = `${e.target.value}${unit}`; },
      onchange: (e) => this.set(name, Number(e.target.value)) });
    return h("div.field", {}, h("label", { for: id }, label, " ", output), input);
  }
}

function loadSaved() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) || "{}") || {};
  } catch {
    return {};
  }
}

function saveState(state) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Private mode or full storage: the options simply are not remembered.
  }
}
