"""Fan-out of live events to the connected pages, each with a bounded queue.

An event is encoded once (bytes in server-sent-events form) and the same bytes are queued
for every client, so a client costs its queue of references, not copies. A client that
reads slower than events come (its queue full) is dropped rather than waited for: the
others never wait on it, its memory stays bounded, and its browser reconnects by itself
and reloads what it shows.
"""

from __future__ import annotations

import asyncio

import orjson

from newsflow import metrics


def event(kind: str, data: object, event_id: str | None = None) -> bytes:
    """One server-sent event: ``event:``, optional ``id:``, one ``data:`` line of JSON
    (orjson never writes a raw newline inside it)."""
    head = f"event: {kind}\n" + (f"id: {event_id}\n" if event_id else "")
    return head.encode() + b"data: " + orjson.dumps(data) + b"\n\n"


class Full(Exception):
    """No room for another client (the console's NEWSFLOW_CONSOLE_MAX_CLIENTS)."""


class Client:
    """One connected page: its queue, and whether the hub dropped it."""

    def __init__(self, size: int):
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(size)
        self.dropped = asyncio.Event()


class Hub:
    def __init__(self, max_clients: int, queue_size: int):
        self.max_clients = max_clients
        self.queue_size = queue_size
        self.clients: set[Client] = set()
        self.dropped = 0  # clients dropped for reading too slowly, since the start

    def join(self) -> Client:
        if len(self.clients) >= self.max_clients:
            raise Full(f"{self.max_clients} clients connected")
        client = Client(self.queue_size)
        self.clients.add(client)
        metrics.CONSOLE_CLIENTS.set(len(self.clients))
        return client

    def leave(self, client: Client) -> None:
        self.clients.discard(client)
        metrics.CONSOLE_CLIENTS.set(len(self.clients))

    def publish(self, data: bytes) -> None:
        """Queue ``data`` for every client; the ones with a full queue are dropped."""
        for client in list(self.clients):
            try:
                client.queue.put_nowait(data)
            except asyncio.QueueFull:
                self.leave(client)
                client.dropped.set()
                self.dropped += 1
                metrics.CONSOLE_CLIENTS_DROPPED.inc()
        metrics.CONSOLE_EVENTS.inc()
