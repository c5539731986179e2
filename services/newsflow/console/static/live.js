// The live events of /console/events: one stream per browser through the SharedWorker
// live-worker.js where the browser has SharedWorker, else one EventSource of this tab.
// Views subscribe with on(type, handler); handlers get the parsed JSON.

const EVENTS = ["hello", "article", "deadletter", "trending", "health"];
const listeners = new Map();
let state = "connecting";

function dispatch(type, data) {
  for (const handler of listeners.get(type) || []) {
    try {
      handler(data);
    } catch (error) {
      console.error(`live ${type} handler`, error);
    }
  }
}

function deliver(type, text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return;  // a malformed event is dropped, not shown
  }
  dispatch(type, data);
}

function setState(next) {
  state = next;
  dispatch("status", state);
}

/** Subscribe to an event type ("status" too); returns the function that unsubscribes. */
export function on(type, handler) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(handler);
  return () => listeners.get(type).delete(handler);
}


function shared() {
  const worker = new SharedWorker("/console/live-worker.js", {name: "newsflow-live"});
  worker.port.onmessage = ({data}) => {
    if (data.type === "status") setState(data.state);
    else deliver(data.type, data.data);
  };
  worker.port.start();
  addEventListener("pagehide", () => worker.port.postMessage({type: "bye"}));
  addEventListener("pageshow", (event) => {
    if (event.persisted) worker.port.postMessage({type: "join"});
  });
}

function direct() {
  const source = new EventSource("/console/events");
  for (const type of EVENTS) source.addEventListener(type, (event) => deliver(type, event.data));
  source.onopen = () => setState("open");
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) return setState("connecting");
    setState("closed");
    setTimeout(direct, 5000);  // EventSource gives up on a non-200 answer: a new one
  };
}

/** Open the stream (once per page). */
export function start() {
  if (typeof SharedWorker === "function") {
    try {
      return shared();
    } catch (error) {
      console.warn("SharedWorker refused, one stream for this tab", error);
    }
  }
  direct();
}
