// The live stream: the newest archived articles, then each enriched article as it is
// committed, newest first. Pause holds arrivals (counted) until Resume; the filter matches
// entity and speaker names, the select an entity label.

import {getJSON} from "./api.js";
import {articleHref, clear, count, cut, el, entityHref, notice, time} from "./dom.js";

const MAX_CARDS = 200;  // shown; older ones drop off the end
const MAX_HELD = 500;   // held while paused (the count keeps counting)
const LABELS = ["PERSON", "ORG", "GPE", "NORP", "LOC", "EVENT"];
const MAX_LATENCIES = 2000;

// Commit on the enriched topic -> card on screen, in seconds, for the last cards that came
// live: what bench/console/measure.py reads from an open browser.
const latencies = [];
globalThis.newsflowLatencies = latencies;

function recordLatency(card) {
  if (typeof card.committed_at !== "number") return;
  if (latencies.length >= MAX_LATENCIES) latencies.shift();
  latencies.push(Date.now() / 1000 - card.committed_at);
}

function speakerText(speaker) {
  return speaker.role ? `${speaker.name} (${speaker.role})` : speaker.name;
}

function renderCard(card) {
  const entities = (card.entities || []).map((entity) => el("li", {},
    el("a", {href: entityHref(entity.name), class: `chip label-${entity.label}`},
      cut(entity.name, 80), " ", el("span", {class: "chip-label"}, entity.label))));
  const speakers = (card.speakers || []).map((speaker, index) => [index ? ", " : "",
    el("a", {href: entityHref(speaker.name)}, cut(speakerText(speaker), 120))]);
  const copies = card.story?.copies || 1;
  return el("li", {class: "card", "data-id": card.id},
    el("h2", {}, el("a", {href: articleHref(card.id)}, cut(card.title || "(no title)", 300))),
    el("p", {class: "meta"},
      el("span", {class: "outlet"}, card.outlet || "unknown outlet"), " · ",
      time(card.published_at || card.published), " · ",
      el("span", {class: "copies"}, count(copies, "copy", "copies")),
      card.revision > 1 ? ` · revision ${card.revision}` : ""),
    entities.length ? el("ul", {class: "chips", "aria-label": "Entities"}, entities) : null,
    el("p", {class: "quotes-line"},
      el("span", {class: "quote-count"}, count(card.quotes, "quote")),
      speakers.length ? [" by ", speakers] : ""));
}

function matches(card, text, label) {
  if (label && !(card.entities || []).some((entity) => entity.label === label)) return false;
  if (!text) return true;
  const wanted = text.toLowerCase();
  const names = [...(card.entities || []).flatMap((e) => [e.name, e.id]), ...(card.speakers || []).map((s) => s.name)];
  return names.some((name) => typeof name === "string" && name.toLowerCase().includes(wanted));
}

export function view(main, _param, ctx) {
  let cards = [];         // shown, newest first
  let held = [];          // arrived while paused, newest first
  let heldCount = 0;
  let paused = false;
  let loading = null;     // the cards arriving while a load is in flight
  const filterInput = el("input", {id: "stream-filter", type: "search", autocomplete: "off",
    placeholder: "a name", maxlength: 200});
  const labelSelect = el("select", {id: "stream-label"}, el("option", {value: ""}, "any label"),
    LABELS.map((label) => el("option", {value: label}, label)));
  const pauseButton = el("button", {type: "button", class: "pause", "aria-pressed": "false"}, "Pause");
  const heldNote = el("p", {class: "held", role: "status"});
  const announcer = el("p", {class: "visually-hidden", "aria-live": "polite"});
  const list = el("ol", {class: "cards", "aria-label": "Articles, newest first"});
  const state = el("div", {class: "stream-state"});
  main.append(
    el("h1", {}, "Live stream"),
    el("form", {class: "toolbar", role: "search", on: {submit: (e) => e.preventDefault()}},
      el("label", {for: "stream-filter"}, "Entity or speaker"), filterInput,
      el("label", {for: "stream-label"}, "Label"), labelSelect,
      pauseButton),
    heldNote, announcer, state, list);

  const filter = () => ({text: filterInput.value.trim(), label: labelSelect.value});

  let drawn = "";  // the cards on screen (ids and revisions): a reload that changed nothing redraws nothing
  function show() {
    const now = cards.map((c) => `${c.id}:${c.revision}`).join(" ");
    if (now !== drawn || list.children.length !== cards.length) clear(list).append(...cards.map(renderCard));
    drawn = now;
    clear(state);
    if (!cards.length) state.append(notice(loading ? "Loading…" : "No articles yet: they appear here as they are enriched."));
  }

  function add(target, card) {
    const index = target.findIndex((c) => c.id === card.id);
    if (index >= 0) target.splice(index, 1);  // a new revision replaces the card
    target.unshift(card);
  }

  function showHeld() {
    heldNote.textContent = paused ? `Paused: ${heldCount} new article${heldCount === 1 ? "" : "s"} held.` : "";
    pauseButton.textContent = paused ? (heldCount ? `Resume (${heldCount} new)` : "Resume") : "Pause";
    pauseButton.setAttribute("aria-pressed", String(paused));
  }

  async function load() {
    const {text, label} = filter();
    const arrived = [];
    loading = arrived;
    show();
    try {
      const params = {limit: 50, label};
      const answers = text
        ? await Promise.all([{...params, entity: text}, {...params, speaker: text}]
          .map((p) => getJSON("/api/console/recent", p, ctx.signal)))
        : [await getJSON("/api/console/recent", params, ctx.signal)];
      const seen = new Set();
      const found = answers.flatMap((answer) => answer.articles || [])
        .filter((card) => !seen.has(card.id) && seen.add(card.id));
      if (text) found.sort((a, b) => (b.event_time || 0) - (a.event_time || 0));
      const heldIds = new Set(held.map((c) => c.id));
      cards = found.filter((card) => !heldIds.has(card.id));  // held ones wait for Resume
      for (const card of arrived.reverse()) add(cards, card);
      cards.length = Math.min(cards.length, MAX_CARDS);
      loading = null;
      show();
    } catch (error) {
      if (ctx.signal.aborted) return;
      loading = null;
      show();
      state.prepend(notice(`Could not load the recent articles: ${error.message}`, "error"));
    }
  }

  function arrive(card) {
    if (!card || typeof card.id !== "string" || !matches(card, ...Object.values(filter()))) return;
    if (paused) {
      add(held, card);
      held.length = Math.min(held.length, MAX_HELD);
      heldCount += 1;
      showHeld();
      return;
    }
    if (loading) loading.push(card);
    add(cards, card);
    cards.length = Math.min(cards.length, MAX_CARDS);
    drawn = cards.map((c) => `${c.id}:${c.revision}`).join(" ");
    const node = renderCard(card);
    list.querySelector(`li[data-id="${CSS.escape(card.id)}"]`)?.remove();
    list.prepend(node);
    list.querySelectorAll(":scope > li.card:nth-child(n+" + (MAX_CARDS + 1) + ")").forEach((n) => n.remove());
    clear(state);
    announcer.textContent = `New article: ${cut(card.title, 120)}`;
    recordLatency(card);
  }

  pauseButton.addEventListener("click", () => {
    paused = !paused;
    if (!paused && held.length) {
      for (const card of held.slice().reverse()) add(cards, card);
      cards.length = Math.min(cards.length, MAX_CARDS);
      announcer.textContent = `${heldCount} new article${heldCount === 1 ? "" : "s"} shown.`;
      show();
    }
    if (!paused) {
      held = [];
      heldCount = 0;
    }
    showHeld();
  });
  let debounce = null;
  filterInput.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(load, 300);
  });
  labelSelect.addEventListener("change", load);
  ctx.on("article", arrive);
  load();
  return {reload: load};
}
