// An article: its body with each quote highlighted by type (direct, indirect, mixed), the
// speaker, cue and relay of each marked, entity mentions linked; a selected quote's
// attribution in a side panel; all quotes listed below.
//
// The spans come from the enriched message as Python character offsets (code points) and
// may overlap. The body is built from a tree of non-crossing spans: quotes first (an
// overlapping quote is left unmarked, still listed), then speakers, cues and relays, then
// entity mentions, each kept only if it nests inside or stays clear of what is kept.

import {getJSON, NotFound} from "./api.js";
import {articleHref, clear, cut, el, entityHref, notice, safeHref, time} from "./dom.js";

const TYPES = {direct: "direct quote", indirect: "indirect quote", mixed: "mixed quote"};
const RANK = {quote: 0, speaker: 1, cue: 1, via: 1, mention: 2};
const MAX_MENTIONS = 2000;  // entity mentions linked in one body (the rest stay plain text): nest() is quadratic

function validSpan(span, length) {
  return span && Number.isInteger(span.start) && Number.isInteger(span.end)
    && span.start >= 0 && span.start < span.end && span.end <= length;
}

/** The spans of the body to mark: quotes, speakers, cues, relays, entity mentions. */
function spansOf(doc, length) {
  const spans = [];
  const seen = new Set();
  const push = (kind, span, extra) => {
    if (!validSpan(span, length)) return;
    const key = `${kind}:${span.start}:${span.end}`;
    if (seen.has(key)) return;
    seen.add(key);
    spans.push({kind, start: span.start, end: span.end, ...extra});
  };
  (doc.quotes || []).forEach((quote, index) => push("quote", quote, {quote, index}));
  for (const quote of doc.quotes || []) {
    push("speaker", quote.speaker, {name: quote.speaker?.name});
    push("cue", quote.cue);
    push("via", quote.via, {name: quote.via?.name});
  }
  let mentions = 0;
  for (const entity of doc.canonical_entities || []) {
    for (const mention of entity.mentions || []) {
      if (mentions++ >= MAX_MENTIONS) return spans;
      push("mention", mention, {name: entity.name, label: entity.label});
    }
  }
  return spans;
}

/** Spans kept as a forest of nested, non-crossing spans (children sorted by start). */
function nest(spans) {
  const kept = [];
  const ordered = spans.slice().sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.start - b.start || b.end - a.end);
  for (const span of ordered) {
    const fits = kept.every((other) => span.end <= other.start || span.start >= other.end
      || (RANK[other.kind] < RANK[span.kind] && other.start <= span.start && span.end <= other.end));
    if (fits) kept.push(span);
  }
  kept.sort((a, b) => a.start - b.start || b.end - a.end || RANK[a.kind] - RANK[b.kind]);
  const roots = [];
  const stack = [];
  for (const span of kept) {
    span.children = [];
    while (stack.length && stack.at(-1).end <= span.start) stack.pop();
    (stack.length ? stack.at(-1).children : roots).push(span);
    stack.push(span);
  }
  return roots;
}

function speakerLabel(speaker) {
  if (!speaker) return "no speaker found";
  return speaker.name ? (speaker.role ? `${speaker.name}, ${speaker.role}` : speaker.name)
    : `unnamed (“${speaker.text}”)`;
}

function markFor(span, select) {
  if (span.kind === "quote") {
    const {quote, index} = span;
    const type = TYPES[quote.type] ? quote.type : "direct";
    return el("mark", {
      class: `quote quote-${type}`, tabindex: "0", "data-index": index, "data-type": type,
      "data-speaker": quote.speaker?.name || "", title: `${TYPES[type]}: ${speakerLabel(quote.speaker)}`,
      "aria-describedby": "attribution",
      on: {
        click: () => select(index),
        focus: () => select(index),
        keydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(index, true); } },
      },
    });
  }
  if (span.kind === "mention") return el("a", {class: `mention label-${span.label}`, href: entityHref(span.name)});
  return el("span", {class: span.kind, title: span.kind === "via" ? `relayed via ${span.name || ""}` : span.kind});
}

/** The body as DOM: text with the nested marks. */
function renderBody(body, doc, select) {
  const points = Array.from(body);  // code points, as the offsets count them
  const text = (start, end) => points.slice(start, end).join("");
  const build = (parent, spans, start, end) => {
    let at = start;
    for (const span of spans) {
      if (span.start > at) parent.append(text(at, span.start));
      const node = markFor(span, select);
      build(node, span.children, span.start, span.end);
      parent.append(node);
      at = span.end;
    }
    if (end > at) parent.append(text(at, end));
  };
  const container = el("div", {class: "article-body"});
  build(container, nest(spansOf(doc, points.length)), 0, points.length);
  return container;
}

function attribution(quote) {
  const type = TYPES[quote.type] ? quote.type : "direct";
  const speaker = quote.speaker;
  return [
    el("h2", {}, "Attribution"),
    el("p", {}, el("span", {class: `badge badge-${type}`}, TYPES[type])),
    el("blockquote", {class: `quote-text quote-${type}`}, cut(quote.text, 2000)),
    el("dl", {},
      el("dt", {}, "Speaker"),
      el("dd", {class: "speaker-name"}, speaker?.name ? el("a", {href: entityHref(speaker.name)}, speaker.name)
        : speakerLabel(speaker)),
      speaker?.role ? [el("dt", {}, "Role"), el("dd", {class: "speaker-role"}, speaker.role)] : null,
      speaker?.text && speaker.text !== speaker.name ? [el("dt", {}, "Named as"), el("dd", {}, `“${speaker.text}”`)] : null,
      el("dt", {}, "Cue"), el("dd", {}, quote.cue?.text || "—"),
      el("dt", {}, "Via"), el("dd", {class: "via-name"}, quote.via ? (quote.via.name || quote.via.text) : "—"),
      el("dt", {}, "Confidence"),
      el("dd", {}, typeof quote.confidence === "number" ? quote.confidence.toFixed(2) : "—")),
  ];
}

function quoteList(quotes, select) {
  return el("section", {class: "quote-list", "aria-labelledby": "quotes-heading"},
    el("h2", {id: "quotes-heading"}, `Quotes (${quotes.length})`),
    quotes.length ? el("ol", {}, quotes.map((quote, index) => {
      const type = TYPES[quote.type] ? quote.type : "direct";
      return el("li", {"data-index": index},
        el("span", {class: `badge badge-${type}`}, type), " ",
        el("span", {class: "quote-text"}, cut(quote.text, 400)), " — ",
        el("span", {class: "speaker-name"}, speakerLabel(quote.speaker)),
        quote.via ? [" ", el("span", {class: "via-name"}, `via ${quote.via.name || quote.via.text}`)] : null,
        " ", el("button", {type: "button", class: "link", on: {click: () => select(index, true)}}, "show in text"));
    })) : el("p", {}, "No quotes found in this article."));
}

export function view(main, id, ctx) {
  if (!id) {
    main.append(el("h1", {}, "Article"), el("p", {}, "Pick an article from the ",
      el("a", {href: "#/"}, "live stream"), "."));
    return {};
  }
  const state = el("div", {}, notice("Loading…"));
  main.append(state);

  let drawn = null;  // the revision on screen: a reconnect that finds the same redraws nothing
  async function load() {
    let answer;
    try {
      answer = await getJSON(`/api/articles/${encodeURIComponent(id)}`, {}, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) return;
      drawn = null;
      clear(state).append(el("h1", {}, "Article"),
        notice(error instanceof NotFound ? `No article ${cut(id, 40)} in the archive (yet).`
          : `Could not load the article: ${error.message}`, "error"));
      return;
    }
    const revision = `${answer.revision}:${(answer.revisions || []).length}:${answer.story?.copies}`;
    if (revision === drawn) return;
    drawn = revision;
    const doc = answer.article || {};
    const quotes = Array.isArray(doc.quotes) ? doc.quotes : [];
    const panel = el("aside", {id: "attribution", class: "attribution", "aria-live": "polite"},
      el("h2", {}, "Attribution"), el("p", {}, "Select a highlighted quote (click, or Tab to it and press Enter)."));
    const select = (index, focusMark = false) => {
      const quote = quotes[index];
      if (!quote) return;
      clear(panel).append(...attribution(quote));
      main.querySelectorAll("mark.quote.selected").forEach((mark) => mark.classList.remove("selected"));
      const mark = main.querySelector(`mark.quote[data-index="${index}"]`);
      mark?.classList.add("selected");
      if (focusMark && mark && document.activeElement !== mark) mark.focus();
    };
    const relays = [...new Set(quotes.map((q) => q.via && (q.via.name || q.via.text)).filter(Boolean))];
    const story = answer.story;
    const original = safeHref(doc.url);
    clear(state).append(
      el("article", {class: "article"},
        el("header", {},
          el("h1", {}, cut(doc.title || "(no title)", 300)),
          el("p", {class: "meta"},
            el("span", {class: "outlet"}, doc.source || "unknown outlet"), " · ", time(doc.published_at || doc.published),
            doc.dateline ? [" · ", el("span", {}, cut(typeof doc.dateline === "string" ? doc.dateline : doc.dateline.text || "", 200))] : null,
            answer.revision > 1 ? ` · revision ${answer.revision}` : "",
            original ? [" · ", el("a", {href: original, rel: "noopener noreferrer nofollow", target: "_blank"}, "original")] : null),
          relays.length ? el("p", {class: "relays"}, "Relayed via: ",
            relays.map((name, i) => [i ? ", " : "", el("span", {class: "via-name"}, name)])) : null,
          story && story.copies > 1 ? el("p", {class: "story"}, `One of ${story.copies} copies of a story`,
            story.others?.length ? [": ", story.others.slice(0, 20).map((other, i) => [i ? ", " : "",
              el("a", {href: articleHref(other.article_id)}, other.outlet || other.article_id)])] : ".") : null,
          el("ul", {class: "legend", "aria-label": "Legend"},
            Object.entries(TYPES).map(([type, label]) => el("li", {}, el("mark", {class: `quote quote-${type}`}, label))),
            el("li", {}, el("span", {class: "speaker"}, "speaker")),
            el("li", {}, el("span", {class: "cue"}, "cue")),
            el("li", {}, el("span", {class: "via"}, "relay")))),
        el("div", {class: "article-layout"}, renderBody(typeof doc.body === "string" ? doc.body : "", doc, select), panel),
        quoteList(quotes, select)));
  }
  load();
  return {reload: load};
}
