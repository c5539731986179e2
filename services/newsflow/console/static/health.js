// Health: the workers (up, ready, partitions, totals, throughput), the consumer lag per
// partition and the console's own clients, refreshed by each `health` event.

import {getJSON} from "./api.js";
import {lineChart} from "./chart.js";
import {clear, cut, el, notice} from "./dom.js";

const HISTORY = 60;  // health events kept for the throughput chart (5 min at 5 s)

const yes = (value) => (value ? "yes" : "no");

export function view(main, _param, ctx) {
  const throughput = [];
  const content = el("div", {}, notice("Loading…"));
  main.append(el("h1", {}, "Health"), content);

  function show(health) {
    const workers = health.workers || [];
    const lag = health.lag || [];
    const rate = workers.reduce((sum, w) => sum + (Number(w.articles_per_second) || 0), 0);
    throughput.push({at: new Date().toLocaleTimeString(), rate: Math.round(rate * 100) / 100});
    if (throughput.length > HISTORY) throughput.shift();
    clear(content).append(
      el("section", {"aria-labelledby": "workers-heading"},
        el("h2", {id: "workers-heading"}, `Workers (${workers.length})`),
        el("div", {class: "table-wrap"}, el("table", {},
          el("thead", {}, el("tr", {}, ["Worker", "Up", "Ready", "Partitions", "Enriched", "Dead letters", "Articles/s"]
            .map((h) => el("th", {scope: "col"}, h)))),
          el("tbody", {}, workers.map((w) => el("tr", {class: w.up ? "" : "down"},
            el("td", {}, cut(w.url, 120)), el("td", {}, yes(w.up)), el("td", {}, yes(w.ready)),
            el("td", {}, (w.assigned_partitions || []).join(", ") || "—"),
            el("td", {class: "num"}, String(w.articles_enriched_total ?? "—")),
            el("td", {class: "num"}, String(w.dead_letters_total ?? "—")),
            el("td", {class: "num"}, w.articles_per_second === undefined || w.articles_per_second === null
              ? "—" : Number(w.articles_per_second).toFixed(2)))))))),
      el("section", {"aria-labelledby": "throughput-heading"},
        el("h2", {id: "throughput-heading"}, "Throughput"),
        el("p", {}, `${rate.toFixed(2)} articles/s now`),
        lineChart(throughput.map((p) => p.at), [{name: "articles/s", className: "series-mentions",
          values: throughput.map((p) => p.rate)}], "Articles enriched per second, all workers")),
      el("section", {"aria-labelledby": "lag-heading"},
        el("h2", {id: "lag-heading"}, `Lag (${health.lag_total ?? 0} in all)`),
        lag.length ? el("div", {class: "table-wrap"}, el("table", {},
          el("thead", {}, el("tr", {}, ["Topic", "Partition", "Lag"].map((h) => el("th", {scope: "col"}, h)))),
          el("tbody", {}, lag.map((l) => el("tr", {}, el("td", {}, cut(l.topic, 120)),
            el("td", {class: "num"}, String(l.partition)), el("td", {class: "num"}, String(l.lag))))))) : el("p", {}, "No lag reported.")),
      health.console ? el("p", {class: "muted"}, `Console: ${health.console.clients} live client(s), `
        + `${health.console.clients_dropped_total} dropped for reading too slowly.`) : null);
  }

  async function load() {
    try {
      show(await getJSON("/api/console/health", {}, ctx.signal));
    } catch (error) {
      if (!ctx.signal.aborted) clear(content).append(notice(`Could not load health: ${error.message}`, "error"));
    }
  }
  ctx.on("health", show);
  load();
  return {reload: load};
}
