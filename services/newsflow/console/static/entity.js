// An entity: who it is (label, role, aliases seen), mentions and quotes over time, what it
// said, what others said about it, the entities it appears with.

import {getJSON, NotFound} from "./api.js";
import {lineChart} from "./chart.js";
import {articleHref, clear, cut, el, entityHref, notice, time} from "./dom.js";

const QUOTES = 50;  // of each list

function quoteItem(quote, showSpeaker) {
  const type = ["direct", "indirect", "mixed"].includes(quote.type) ? quote.type : "direct";
  return el("li", {class: "quote-item"},
    el("span", {class: `badge badge-${type}`}, type), " ",
    el("span", {class: "quote-text"}, cut(quote.text, 500)),
    el("p", {class: "meta"},
      showSpeaker ? [el("span", {class: "speaker-name"}, quote.speaker?.name
        ? el("a", {href: entityHref(quote.speaker.name)}, quote.speaker.name) : "unnamed speaker"),
      quote.speaker?.role ? `, ${quote.speaker.role}` : "", " · "] : null,
      quote.via ? `via ${quote.via} · ` : "",
      el("a", {href: articleHref(quote.article_id)}, cut(quote.title || quote.article_id, 120)), " · ",
      time(quote.published || quote.date)));
}

export function view(main, name, ctx) {
  if (!name) {
    const input = el("input", {id: "entity-name", type: "search", maxlength: 200, autocomplete: "off"});
    main.append(el("h1", {}, "Entities"),
      el("form", {class: "toolbar", role: "search", on: {submit: (event) => {
        event.preventDefault();
        if (input.value.trim()) location.hash = entityHref(input.value.trim());
      }}}, el("label", {for: "entity-name"}, "Name or alias"), input, el("button", {type: "submit"}, "Show")));
    return {};
  }
  const state = el("div", {}, notice("Loading…"));
  main.append(state);

  let drawn = null;  // what is on screen: a reconnect that finds the same redraws nothing
  async function load() {
    let entity, said, about;
    try {
      [entity, said, about] = await Promise.all([
        getJSON(`/api/entities/${encodeURIComponent(name)}`, {}, ctx.signal),
        getJSON("/api/quotes", {speaker: name, per_page: QUOTES}, ctx.signal),
        getJSON("/api/quotes", {about: name, per_page: QUOTES}, ctx.signal)]);
    } catch (error) {
      if (ctx.signal.aborted) return;
      drawn = null;
      clear(state).append(el("h1", {}, cut(name, 200)), notice(error instanceof NotFound
        ? "Not in the archive (yet)." : `Could not load it: ${error.message}`, "error"));
      return;
    }
    const answer = JSON.stringify([entity, said, about]);
    if (answer === drawn) return;
    drawn = answer;
    const own = said.quotes || [];
    const others = (about.quotes || []).filter((q) => q.speaker?.name?.toLowerCase() !== String(entity.name).toLowerCase());
    const who = el("dl", {class: "facts"},
      el("dt", {}, "Label"), el("dd", {class: "entity-label"}, entity.label || "—"),
      el("dt", {}, "Role"), el("dd", {class: "entity-role"}, entity.role || "—"),
      el("dt", {}, "Aliases seen"), el("dd", {class: "entity-aliases"}, (entity.aliases || []).join(", ") || "—"),
      el("dt", {}, "Articles"), el("dd", {}, String(entity.articles)),
      el("dt", {}, "Mentions"), el("dd", {}, String(entity.mentions)),
      el("dt", {}, "Quotes by them"), el("dd", {}, String(entity.quotes_by)),
      el("dt", {}, "Seen"), el("dd", {}, time(entity.first), " – ", time(entity.last)));
    const mentions = new Map((entity.over_time || []).map((p) => [p.date, p.mentions]));
    const quoteDays = new Map((entity.quotes_over_time || []).map((p) => [p.date, p.quotes]));
    const allDays = [...new Set([...mentions.keys(), ...quoteDays.keys()])].sort();
    clear(state).append(
      el("h1", {}, cut(entity.name, 200)),
      who,
      allDays.length ? lineChart(allDays, [
        {name: "mentions", className: "series-mentions", values: allDays.map((d) => mentions.get(d) || 0)},
        {name: "quotes", className: "series-quotes", values: allDays.map((d) => quoteDays.get(d) || 0)},
      ], `Mentions and quotes of ${cut(entity.name, 80)} per day`) : null,
      el("section", {class: "said", "aria-labelledby": "said-heading"},
        el("h2", {id: "said-heading"}, "What they said"),
        own.length ? el("ol", {class: "quote-items"}, own.map((q) => quoteItem(q, false))) : el("p", {}, "No quotes by them in the archive.")),
      el("section", {class: "said-about", "aria-labelledby": "about-heading"},
        el("h2", {id: "about-heading"}, "What others said about them"),
        others.length ? el("ol", {class: "quote-items"}, others.map((q) => quoteItem(q, true))) : el("p", {}, "No quotes about them in the archive.")),
      el("section", {"aria-labelledby": "co-heading"},
        el("h2", {id: "co-heading"}, "Appears with"),
        (entity.co_occurring || []).length ? el("ul", {class: "chips"}, entity.co_occurring.map((other) => el("li", {},
          el("a", {class: "chip", href: entityHref(other.name)}, cut(other.name, 80), " ", el("span", {class: "chip-label"}, String(other.articles))))))
          : el("p", {}, "No other entities.")));
  }
  load();
  return {reload: load};
}
