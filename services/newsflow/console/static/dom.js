// Building the DOM from untrusted data: text goes in with textContent (text nodes),
// attributes one by one with setAttribute, links only to "#/" routes or http(s) URLs.
// Never innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/** The URL if it is a console route ("#/...") or an http(s) URL, else null. */
export function safeHref(url) {
  if (typeof url !== "string") return null;
  if (url.startsWith("#/")) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "on") {
      for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
    } else if (name.startsWith("on")) {
      throw new Error(`el: event handler attribute ${name}; use {on: {...}}`);
    } else if (name === "href") {
      const href = safeHref(value);
      if (href) node.setAttribute("href", href);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: el("a", {href: "#/", class: "x"}, "text", otherNode, [more]). */
export function el(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export const articleHref = (id) => `#/article/${encodeURIComponent(id)}`;
export const entityHref = (name) => `#/entity/${encodeURIComponent(name)}`;

/** "1 quote", "3 quotes". */
export function count(n, word, plural = `${word}s`) {
  return `${n ?? 0} ${n === 1 ? word : plural}`;
}

/** A cut string: at most ``limit`` characters with an ellipsis. */
export function cut(text, limit) {
  const value = String(text ?? "");
  return value.length > limit ? `${value.slice(0, limit - 1)}…` : value;
}

/** A <time> for an ISO date or epoch seconds, shown in the reader's locale. */
export function time(value) {
  if (value === null || value === undefined || value === "") return el("span", {class: "muted"}, "—");
  const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return el("span", {}, String(value));
  const dayOnly = typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
  const shown = dayOnly
    ? date.toLocaleDateString(undefined, {timeZone: "UTC", dateStyle: "medium"})
    : date.toLocaleString(undefined, {dateStyle: "medium", timeStyle: "short"});
  return el("time", {datetime: date.toISOString()}, shown);
}

/** A status line: loading, an error, or nothing. */
export function notice(text, kind = "info") {
  return el("p", {class: `notice notice-${kind}`, role: kind === "error" ? "alert" : null}, text);
}
