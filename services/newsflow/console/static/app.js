// The console: a hash router over one view module per page. Each view is
// view(main, param, ctx) and may return {reload}; ctx.on subscribes to live events for as
// long as the view is shown, ctx.signal aborts its requests when the reader moves on.

import {clear, el} from "./dom.js";
import * as live from "./live.js";
import * as stream from "./stream.js";
import * as article from "./article.js";
import * as entity from "./entity.js";
import * as trending from "./trending.js";
import * as deadletters from "./deadletters.js";
import * as health from "./health.js";

const ROUTES = [
  {name: "stream", title: "Live stream", pattern: /^#?\/?$/, module: stream},
  {name: "article", title: "Article", pattern: /^#\/article(?:\/(.+))?$/, module: article},
  {name: "entity", title: "Entity", pattern: /^#\/entity(?:\/(.+))?$/, module: entity},
  {name: "trending", title: "Trending", pattern: /^#\/trending\/?$/, module: trending},
  {name: "deadletters", title: "Dead letters", pattern: /^#\/deadletters\/?$/, module: deadletters},
  {name: "health", title: "Health", pattern: /^#\/health\/?$/, module: health},
];

const STATUS_TEXT = {open: "live", connecting: "connecting…", closed: "offline, retrying"};
let current = null;

function decode(part) {
  try {
    return part === undefined ? null : decodeURIComponent(part);
  } catch {
    return null;
  }
}

function route(event) {
  const main = document.getElementById("main");
  if (current) {
    current.controller.abort();
    current.offs.forEach((off) => off());
  }
  clear(main);
  const hash = location.hash || "#/";
  const found = ROUTES.find((r) => r.pattern.test(hash));
  for (const link of document.querySelectorAll("header nav a")) {
    if (found && link.dataset.route === found.name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!found) {
    current = null;
    main.append(el("h1", {}, "Not found"), el("p", {}, "No such page. ", el("a", {href: "#/"}, "The live stream")));
    return;
  }
  document.title = `${found.title} · newsflow console`;
  const controller = new AbortController();
  const offs = [];
  const ctx = {signal: controller.signal, on: (type, handler) => offs.push(live.on(type, handler))};
  current = {controller, offs, view: null};
  current.view = found.module.view(main, decode(hash.match(found.pattern)[1]), ctx) || {};
  if (event) main.focus();  // a followed link: the reader (and a screen reader) starts at the new page
}

function showStatus(state) {
  const indicator = document.getElementById("live-status");
  indicator.dataset.state = state;
  indicator.textContent = STATUS_TEXT[state] || state;
}

// the skip link's "#main" would be a route: it moves the focus instead
document.querySelector("a.skip").addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("main").focus();
});
live.on("status", showStatus);
live.on("hello", () => current?.view?.reload?.());
addEventListener("hashchange", route);
route();
live.start();
