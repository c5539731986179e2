// Small SVG charts: lines over time and horizontal bars. Labels are text nodes; each
// chart carries a text summary for screen readers.

import {cut, el, entityHref, svg} from "./dom.js";

const WIDTH = 600;
const HEIGHT = 200;
const PAD = {left: 36, right: 12, top: 12, bottom: 28};

/** A line chart of series [{name, className, values: [number]}] over ``labels`` (dates). */
export function lineChart(labels, series, caption) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (labels.length === 1 ? innerW / 2 : (i * innerW) / (labels.length - 1));
  const y = (v) => PAD.top + innerH - (v / max) * innerH;
  const axis = [
    svg("line", {x1: PAD.left, y1: PAD.top + innerH, x2: WIDTH - PAD.right, y2: PAD.top + innerH, class: "axis"}),
    svg("line", {x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + innerH, class: "axis"}),
    svg("text", {x: PAD.left - 6, y: PAD.top + 4, class: "tick", "text-anchor": "end"}, String(max)),
    svg("text", {x: PAD.left - 6, y: PAD.top + innerH, class: "tick", "text-anchor": "end"}, "0"),
  ];
  const ticks = labels.length ? [0, labels.length - 1].filter((v, i, a) => a.indexOf(v) === i)
    .map((i) => svg("text", {x: x(i), y: HEIGHT - 8, class: "tick", "text-anchor": labels.length === 1 ? "middle" : (i ? "end" : "start")}, labels[i])) : [];
  const lines = series.map((s) => svg("g", {class: `series ${s.className}`},
    s.values.length > 1 ? svg("polyline", {points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")}) : null,
    s.values.map((v, i) => svg("circle", {cx: x(i), cy: y(v), r: 3.5},
      svg("title", {}, `${labels[i]}: ${v} ${s.name}`)))));
  const summary = series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)} in all`).join("; ");
  return el("figure", {class: "chart"},
    svg("svg", {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": `${caption}. ${summary}`}, axis, ticks, lines),
    el("figcaption", {}, caption, " ", series.map((s) => el("span", {class: `key ${s.className}`}, s.name))));
}

/** Horizontal bars: items [{name, value, detail}] as a list, each name linking to its entity. */
export function bars(items, {link = true} = {}) {
  const max = Math.max(1, ...items.map((item) => item.value));
  return el("ol", {class: "bars"}, items.map((item) => el("li", {},
    el("span", {class: "bar-name"}, link ? el("a", {href: entityHref(item.name)}, cut(item.name, 80)) : cut(item.name, 80)),
    svg("svg", {class: "bar", viewBox: "0 0 100 10", preserveAspectRatio: "none", "aria-hidden": "true"},
      svg("rect", {x: 0, y: 0, height: 10, width: Math.max(0.5, (100 * item.value) / max)})),
    el("span", {class: "bar-value"}, `${item.value}${item.unit || ""}`, item.detail ? el("span", {class: "muted"}, ` ${item.detail}`) : null))));
}
