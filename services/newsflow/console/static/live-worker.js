// One EventSource to /console/events shared by every tab of this browser (a SharedWorker):
// a browser opens ~6 HTTP/1.1 connections per host, so 100 tabs each with their own stream
// would starve. Events go to each tab's port as {type, data} with data the raw JSON text.

const EVENTS = ["hello", "article", "deadletter", "trending", "health"];
const RETRY_CLOSED_MS = [2000, 4000, 8000, 15000, 30000];
const ports = new Set();
let source = null;
let state = "connecting";
let closedRetries = 0;
let retryTimer = null;

function broadcast(message) {
  for (const port of ports) port.postMessage(message);
}

function setState(next) {
  if (next === state) return;
  state = next;
  broadcast({type: "status", state});
}

function connect() {
  source = new EventSource("/console/events");
  for (const type of EVENTS) {
    source.addEventListener(type, (event) => broadcast({type, data: event.data}));
  }
  source.onopen = () => {
    closedRetries = 0;
    setState("open");
  };
  source.onerror = () => {
    // CONNECTING: EventSource retries by itself (the server's retry:); CLOSED (a non-200
    // answer, say a proxy's 502) it never does, so a new one after a backoff
    if (source.readyState === EventSource.CLOSED) {
      setState("closed");
      source = null;
      const wait = RETRY_CLOSED_MS[Math.min(closedRetries++, RETRY_CLOSED_MS.length - 1)];
      retryTimer = setTimeout(() => { retryTimer = null; if (ports.size) connect(); }, wait);
    } else {
      setState("connecting");
    }
  };
}

self.onconnect = (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.onmessage = (message) => {
    if (message.data?.type === "join") {  // the tab came back from the back-forward cache
      ports.add(port);
      if (!source && !retryTimer) connect();
      return;
    }
    if (message.data?.type !== "bye") return;
    ports.delete(port);
    if (!ports.size && source) {
      source.close();
      source = null;
    }
  };
  port.start();
  port.postMessage({type: "status", state});
  if (!source && !retryTimer) connect();
};
