// Dead letters: the recent ones (reason, stage, source offset, size, a preview shown as
// text) and the counts by reason, with each new one as it is committed. Replaying one
// writes to the raw topic, so it takes the operator token (NEWSFLOW_CONSOLE_TOKEN), which
// the page keeps in memory only: a console without one is read-only.

import {getJSON, postAsOperator} from "./api.js";
import {bars} from "./chart.js";
import {clear, cut, el, notice, time} from "./dom.js";

const MAX_LETTERS = 200;

function row(letter, replay) {
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
    el("td", {class: "preview-cell"}, el("pre", {class: "preview"}, cut(letter.preview, 400))),
    el("td", {}, letter.replayable
      ? el("button", {type: "button", class: "replay", on: {click: () => replay(letter)}}, "Replay")
      : el("span", {class: "muted"}, letter.truncated ? "kept in part" : "—")));
}

function replayOutcome({status, body}) {
  if (status === 202) return `Replayed${body?.replayed ? ` as article ${body.replayed}` : ""}: sent to the raw topic again.`;
  return `Not replayed (${status}): ${body?.error || "the console refused"}.`;
}

export function view(main, _param, ctx) {
  let letters = [];
  let counts = {};
  const summary = el("section", {class: "counts", "aria-labelledby": "counts-heading"});
  const body = el("tbody");
  const table = el("div", {class: "table-wrap"}, el("table", {class: "letters"},
    el("caption", {}, "Newest first"),
    el("thead", {}, el("tr", {}, ["When", "Reason", "Stage", "Source", "Size", "Preview", "Action"].map((h) => el("th", {scope: "col"}, h)))),
    body));
  const state = el("div", {}, notice("Loading…"));
  const token = el("input", {id: "operator-token", type: "password", autocomplete: "off", maxlength: 500});
  const outcome = el("p", {class: "replay-outcome", role: "status"});
  const operator = el("details", {class: "operator"},
    el("summary", {}, "Operator: replay a dead letter"),
    el("p", {class: "muted"}, "Replaying sends a letter's original bytes to the raw topic again. It needs the "
      + "console's operator token (NEWSFLOW_CONSOLE_TOKEN); the page keeps it in memory only."),
    el("form", {class: "toolbar", on: {submit: (e) => e.preventDefault()}},
      el("label", {for: "operator-token"}, "Operator token"), token));
  main.append(el("h1", {}, "Dead letters"), summary, operator, outcome, state, table);

  async function replay(letter) {
    outcome.textContent = "Replaying…";
    try {
      const path = `/api/console/deadletters/${encodeURIComponent(letter.partition)}/${encodeURIComponent(letter.offset)}/replay`;
      outcome.textContent = replayOutcome(await postAsOperator(path, token.value.trim()));
    } catch (error) {
      outcome.textContent = `Not replayed: ${error.message}`;
    }
  }

  function showCounts() {
    const items = Object.entries(counts).map(([name, value]) => ({name, value})).sort((a, b) => b.value - a.value);
    clear(summary).append(el("h2", {id: "counts-heading"}, "By reason"),
      items.length ? bars(items, {link: false}) : el("p", {}, "No dead letters."));
  }

  function show() {
    clear(body).append(...letters.map((letter) => row(letter, replay)));
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
