// Dead letters: the recent ones (reason, stage, source offset, size, a preview shown as
// text) and the counts by reason, with each new one as it is committed.

import {getJSON} from "./api.js";
import {bars} from "./chart.js";
import {clear, cut, el, notice, time} from "./dom.js";

const MAX_LETTERS = 200;

function row(letter) {
  const source = letter.source || {};
  const where = typeof source === "string" ? source  // an ingest letter's file:line
    : source.topic !== undefined ? `${source.topic} [${source.partition}] @ ${source.offset}` : "—";
  return el("tr", {"data-reason": letter.reason},
    el("td", {}, time(letter.committed_at)),
    el("td", {class: "reason"}, el("strong", {}, cut(letter.reason, 80)),
      letter.detail ? el("div", {class: "detail"}, cut(letter.detail, 300)) : null),
    el("td", {}, cut(letter.stage, 40)),
    el("td", {class: "source"}, cut(where, 200)),
    el("td", {class: "num"}, `${letter.size ?? "?"} B`, letter.truncated ? el("div", {class: "muted"}, "truncated") : null),
    el("td", {class: "preview-cell"}, el("pre", {class: "preview"}, cut(letter.preview, 400))));
}

export function view(main, _param, ctx) {
  let letters = [];
  let counts = {};
  const summary = el("section", {class: "counts", "aria-labelledby": "counts-heading"});
  const body = el("tbody");
  const table = el("div", {class: "table-wrap"}, el("table", {class: "letters"},
    el("caption", {}, "Newest first"),
    el("thead", {}, el("tr", {}, ["When", "Reason", "Stage", "Source", "Size", "Preview"].map((h) => el("th", {scope: "col"}, h)))),
    body));
  const state = el("div", {}, notice("Loading…"));
  main.append(el("h1", {}, "Dead letters"), summary, state, table);

  function showCounts() {
    const items = Object.entries(counts).map(([name, value]) => ({name, value})).sort((a, b) => b.value - a.value);
    clear(summary).append(el("h2", {id: "counts-heading"}, "By reason"),
      items.length ? bars(items, {link: false}) : el("p", {}, "No dead letters."));
  }

  function show() {
    clear(body).append(...letters.map(row));
    clear(state);
    if (!letters.length) state.append(notice("No dead letters: every input so far was enriched."));
    showCounts();
  }

  async function load() {
    try {
      const answer = await getJSON("/api/console/deadletters", {}, ctx.signal);
      letters = (answer.letters || []).slice(0, MAX_LETTERS);
      counts = {...(answer.counts || {})};
      show();
    } catch (error) {
      if (!ctx.signal.aborted) clear(state).append(notice(`Could not load the dead letters: ${error.message}`, "error"));
    }
  }
  ctx.on("deadletter", (letter) => {
    if (!letter || typeof letter !== "object") return;
    letters.unshift(letter);
    letters.length = Math.min(letters.length, MAX_LETTERS);
    counts[letter.reason] = (counts[letter.reason] || 0) + 1;
    show();
  });
  load();
  return {reload: load};
}
