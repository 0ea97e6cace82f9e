"""A real HTTP endpoint for partner webhooks: http.server in a thread on 127.0.0.1.

It records every request as it arrives (the wire), answers with the status the test
sets, can hold a request open until the test releases it, and "processes" each event
once, deduplicating by webhook-id as the Standard Webhooks receiver must.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when the request arrived


@dataclass
class Receiver:
    url: str = ""
    status: int = 204
    hold: threading.Event | None = None  # the first request waits until it is set
    delay: float = 0.0  # seconds every request takes to answer
    location: str = ""  # a Location header to answer with (for redirects)
    wire: list[Received] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, received: Received) -> int:
        with self._lock:
            self.wire.append(received)
            first = len(self.wire) == 1
        self.arrived.set()
        if self.hold is not None and first:
            self.hold.wait(120)
        time.sleep(self.delay)
        if 200 <= self.status < 300:
            with self._lock:
                event_id = received.headers.get("webhook-id", "")
                if event_id not in self.processed:  # dedup: process each webhook-id once
                    self.processed.append(event_id)
        return self.status

    @property
    def ids(self) -> set[str]:
        return {r.headers.get("webhook-id", "") for r in self.wire}


@contextmanager
def receiver(
    status: int = 204,
    hold: threading.Event | None = None,
    delay: float = 0.0,
    location: str = "",
) -> Iterator[Receiver]:
    state = Receiver(status=status, hold=hold, delay=delay, location=location)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            code = state.handle(Received(headers, body, time.time()))
            try:
                self.send_response(code)
                if state.location:
                    self.send_header("Location", state.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender was killed while we held its request

        do_GET = do_POST  # a sender that followed a redirect with a GET is seen too

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if hold is not None:
            hold.set()
        server.shutdown()
        server.server_close()
