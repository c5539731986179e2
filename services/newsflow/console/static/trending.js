// Trending: the top entities of each configured window as bars, redrawn on every
// `trending` event; the label select picks the workers' per-label tables.

import {getJSON} from "./api.js";
import {bars} from "./chart.js";
import {clear, count, el, notice, time} from "./dom.js";

const LABELS = ["PERSON", "ORG", "GPE"];
const TOP = 15;

export function view(main, _param, ctx) {
  const select = el("select", {id: "trending-label"}, el("option", {value: ""}, "any label"),
    LABELS.map((label) => el("option", {value: label}, label)));
  const windows = el("div", {class: "windows"}, notice("Loading…"));
  const updated = el("p", {class: "muted", role: "status"});
  let last = null;
  main.append(el("h1", {}, "Trending"),
    el("form", {class: "toolbar", on: {submit: (e) => e.preventDefault()}},
      el("label", {for: "trending-label"}, "Label"), select),
    updated, windows);

  function show() {
    if (!last) return;
    const label = select.value || null;
    const shown = (last.windows || []).filter((w) => (w.label || null) === label);
    clear(windows);
    if (last.error) windows.append(notice(`The workers did not answer: ${last.error}`, "error"));
    if (!shown.length && !last.error) windows.append(notice("No trending windows yet."));
    for (const w of shown) {
      const entities = (w.entities || []).slice(0, TOP);
      windows.append(el("section", {class: "window", "data-window": w.window},
        el("h2", {}, `Last ${w.window}`, w.kind ? el("span", {class: "muted"}, ` (${w.kind})`) : null),
        el("p", {class: "muted"}, time(w.start), " – ", time(w.end)),
        entities.length ? bars(entities.map((e) => ({name: e.name, value: e.stories ?? e.articles ?? 0,
          unit: (e.stories ?? e.articles) === 1 ? " story" : " stories",
          detail: `· ${count(e.articles, "article")} · ${count(e.quotes, "quote")}`})))
          : el("p", {}, "Nothing in this window.")));
    }
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  async function load() {
    try {
      last = await getJSON("/api/console/trending", {}, ctx.signal);
      show();
    } catch (error) {
      if (!ctx.signal.aborted) clear(windows).append(notice(`Could not load trending: ${error.message}`, "error"));
    }
  }
  select.addEventListener("change", show);
  ctx.on("trending", (data) => { last = data; show(); });
  load();
  return {reload: load};
}
