"""A real HTTP server on 127.0.0.1 serving a site held in memory, recording every request.

It also answers absolute-form request targets (``GET http://host/path``), so a crawler can use it
as an HTTP proxy: that is how a site under a made-up host name is crawled, and recorded, offline.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import attrs


@attrs.frozen(kw_only=True)
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    """Seconds to wait before answering (a slow site, so a crawl lasts long enough to interrupt)."""
    fail_first: int = 0
    """Answer the first N requests for this path with ``fail_status`` and ``fail_headers`` instead."""
    fail_status: int = 503
    fail_headers: tuple[tuple[str, str], ...] = ()


@attrs.define
class Site:
    """Paths (with query) to routes; ``requests`` lists every path asked for, in order."""

    routes: dict[str, Route] = attrs.field(factory=dict)
    requests: list[str] = attrs.field(factory=list)

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", **kw: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, content_type=content_type, **kw)  # type: ignore[arg-type]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            site.requests.append(path)
            route = site.routes.get(path)
            if route is None:
                route = Route(body=b"<html><body><h1>Not found</h1></body></html>", status=404)
            if route.delay:
                time.sleep(route.delay)
            # Counted only for a route that fails at first: a count over every request made so far
            # costs O(requests), which made a 50,000-page benchmark's site slower page by page.
            if route.fail_first and site.requests.count(path) <= route.fail_first:
                route = Route(body=b"try again later", content_type="text/plain", status=route.fail_status,
                              headers=route.fail_headers)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """Clients that vanish mid-request (a crawl killed on purpose) are not errors worth printing.

    A deep listen backlog: Scrapy opens many connections at once, and the default of 5 makes
    dropped connection attempts wait a second each, which would cap every crawl test's speed.
    """

    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serving(site: Site) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) for the block; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
