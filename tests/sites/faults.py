"""A fault-injecting HTTP server on 127.0.0.1: server errors, resets, stalls, short bodies, slow drips,
redirect loops, lying headers, decompression and XML bombs, huge pages and crawler traps.

Unlike ``tests.sites.server`` (which always answers well), each path here misbehaves in one chosen way,
so a crawl against it shows whether the crawler survives the fault and still accounts for every URL.
Every handler ends by itself: idle or stuck connections time out after ``CONNECTION_TIMEOUT``, stalls
are capped at ``MAX_STALL`` and cut short when the server stops, and big bodies are written from a
small reused chunk, never built whole. ``FaultSite.injected`` counts, per fault name, how many times
the fault was actually delivered, so a test can tell "survived the fault" from "never met it".
"""

from __future__ import annotations

import functools
import html
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import attrs

from tests.sites.small import article_page

HTML = "text/html; charset=utf-8"
CONNECTION_TIMEOUT = 5.0
"""Seconds a connection may sit idle (or a write stay blocked) before its handler thread gives up."""
MAX_STALL = 10.0
"""No stall holds a handler thread longer than this, whatever it was asked for."""
BOMB_INFLATED = 1100 * 1024 * 1024
"""The gzip bomb inflates to this many zero bytes (past 1 GB; about 1.1 MB on the wire)."""
HUGE_PAGE = 50 * 1024 * 1024
BIG_INDEX_COUNT = 100_000
CHAIN_HOPS = 30
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 16
NON_ASCII = "Le conseil de Zürich a débattu du coût — « un projet ambitieux », a déclaré la maire."
"""A paragraph whose accents only survive if the page is read as the UTF-8 it really is."""

Responder = Callable[["FaultHandler", int], None]
"""Answers one request: gets the handler and the 1-based number of this request to this path."""


@attrs.define
class FaultSite:
    """Paths and path prefixes to responders, plus what happened: every request (seconds since the
    server started, path) and how many times each named fault was delivered."""

    routes: dict[str, tuple[str, Responder]] = attrs.field(factory=dict)
    prefixes: list[tuple[str, str, Responder]] = attrs.field(factory=list)
    requests: list[tuple[float, str]] = attrs.field(factory=list)
    injected: Counter[str] = attrs.field(factory=Counter)
    hits: Counter[str] = attrs.field(factory=Counter)
    stopping: threading.Event = attrs.field(factory=threading.Event)
    started: float = attrs.field(factory=time.monotonic)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def add(self, path: str, fault: str, responder: Responder) -> None:
        """Serve ``path`` with ``responder``; ``fault`` names what it injects (for ``injected``)."""
        self.routes[path] = (fault, responder)

    def add_prefix(self, prefix: str, fault: str, responder: Responder) -> None:
        """Serve every path under ``prefix`` (for generated spaces such as a calendar)."""
        self.prefixes.append((prefix, fault, responder))

    def route(self, path: str) -> tuple[str, Responder] | None:
        if path in self.routes:
            return self.routes[path]
        for prefix, fault, responder in self.prefixes:
            if path.startswith(prefix):
                return fault, responder
        return None

    def hit(self, path: str) -> int:
        """Record a request; returns how many times this path has now been asked for."""
        with self.lock:
            self.requests.append((round(time.monotonic() - self.started, 3), path))
            self.hits[path] += 1
            return self.hits[path]

    def inject(self, fault: str) -> None:
        with self.lock:
            self.injected[fault] += 1

    def requested(self, path: str) -> list[float]:
        """When (seconds since start) ``path`` was asked for: the evidence for retry timing."""
        with self.lock:
            return [at for at, seen in self.requests if seen == path]


class FaultHandler(BaseHTTPRequestHandler):
    """Looks the path up in ``site`` and lets its responder answer (or refuse to)."""

    protocol_version = "HTTP/1.1"
    timeout = CONNECTION_TIMEOUT
    site: FaultSite
    fault: str = ""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        hit = self.site.hit(path)
        found = self.site.route(path)
        if found is None:
            self.answer(404, b"<html><body><h1>Not found</h1></body></html>")
            return
        self.fault, responder = found
        responder(self, hit)

    def log_message(self, format: str, *args: object) -> None:
        return

    # -- building blocks for responders --------------------------------------------------------

    def inject(self) -> None:
        """Count the current path's fault as delivered."""
        self.site.inject(self.fault)

    def answer(self, status: int, body: bytes, content_type: str | None = HTML,
               headers: Iterable[tuple[str, str]] = ()) -> None:
        """A complete response with an exact Content-Length (no Content-Type when ``None``)."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def stream(self, chunks: Iterable[bytes], content_type: str | None = HTML, length: int | None = None,
               headers: Iterable[tuple[str, str]] = (), pause: float = 0.0) -> None:
        """Headers, then ``chunks`` one by one (``pause`` seconds apart). Without ``length`` the body
        ends when the connection closes, as an HTTP/1.0 server would send it."""
        self.send_response(200)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        if length is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        for number, chunk in enumerate(chunks):
            if number and pause and self.site.stopping.wait(pause):
                break
            self.wfile.write(chunk)
            self.wfile.flush()

    def reset(self) -> None:
        """Drop the connection with a TCP reset, without a byte of answer."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def hang(self, seconds: float) -> None:
        """Say nothing for ``seconds`` (capped, and cut short when the server stops), then hang up."""
        self.site.stopping.wait(min(seconds, MAX_STALL))
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """socketserver's default listen backlog is 5: a crawler opening connections faster than that gets
    SYNs dropped and waits a 1 s retransmit each time, so the server, not the crawler, would set the pace."""

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-fault is the point of the exercise, not an error to print."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serving_faults(site: FaultSite | None = None) -> Iterator[tuple[FaultSite, str]]:
    """Serve every fault (``fill_fault_site``) on 127.0.0.1, a free port, for the block; yields the site
    and its base URL. On exit the server stops and pending stalls and drips end at once."""
    site = site or FaultSite()
    handler = type("BoundFaultHandler", (FaultHandler,), {"site": site})
    server = _Server(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    fill_fault_site(site, base)
    thread = threading.Thread(target=server.serve_forever, name="fault-site", daemon=True)
    thread.start()
    try:
        yield site, base
    finally:
        site.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- responders ----------------------------------------------------------------------------------


def page(body: bytes, content_type: str | None = HTML, inject: bool = True) -> Responder:
    """Always the same body; counted as a fault when the body or its headers are the fault."""

    def respond(handler: FaultHandler, hit: int) -> None:
        if inject:
            handler.inject()
        handler.answer(200, body, content_type)

    return respond


def failing_then_page(status: int, body: bytes, failures: int | None) -> Responder:
    """``status`` for the first ``failures`` requests (every request when ``None``), then ``body``."""

    def respond(handler: FaultHandler, hit: int) -> None:
        if failures is None or hit <= failures:
            handler.inject()
            handler.answer(status, f"<html><body><h1>Error {status}</h1></body></html>".encode())
        else:
            handler.answer(200, body)

    return respond


def retry_after_then_page(body: bytes, seconds: int = 1) -> Responder:
    """429 with ``Retry-After: seconds``, and 429 again to any request that comes back before that
    time is up (a strict server, as real rate limiters are); the page once the client has waited."""
    lock = threading.Lock()
    allowed_at: list[float] = []

    def respond(handler: FaultHandler, hit: int) -> None:
        with lock:
            now = time.monotonic()
            if not allowed_at:
                allowed_at.append(now + seconds)
            early = now < allowed_at[0]
        if early:
            handler.inject()
            handler.answer(429, b"<html><body><h1>Too many requests</h1></body></html>",
                           headers=[("Retry-After", str(seconds))])
        else:
            handler.answer(200, body)

    return respond


def reset_then_page(body: bytes, failures: int | None) -> Responder:
    """A TCP reset for the first ``failures`` requests (every request when ``None``), then ``body``."""

    def respond(handler: FaultHandler, hit: int) -> None:
        if failures is None or hit <= failures:
            handler.inject()
            handler.reset()
        else:
            handler.answer(200, body)

    return respond


def stall(seconds: float) -> Responder:
    """Accept the request and say nothing for ``seconds`` (meant to be past the client's timeout)."""

    def respond(handler: FaultHandler, hit: int) -> None:
        handler.inject()
        handler.hang(seconds)

    return respond


def truncated(body: bytes) -> Responder:
    """Announce the whole body's length, send half of it, hang up."""

    def respond(handler: FaultHandler, hit: int) -> None:
        handler.inject()
        handler.stream([body[: len(body) // 2]], length=len(body))
        handler.close_connection = True

    return respond


def drip(body: bytes, pieces: int = 6, interval: float = 0.2) -> Responder:
    """The body in ``pieces`` parts ``interval`` seconds apart: slow, but done within a 2 s timeout."""
    size = -(-len(body) // pieces)
    parts = [body[start:start + size] for start in range(0, len(body), size)]

    def respond(handler: FaultHandler, hit: int) -> None:
        handler.inject()
        handler.stream(parts, length=len(body), pause=interval)

    return respond


def redirect(location: str, status: int = 302) -> Responder:
    def respond(handler: FaultHandler, hit: int) -> None:
        handler.inject()
        handler.answer(status, b"", headers=[("Location", location)])

    return respond


def chain(prefix: str, hops: int, final: bytes) -> Responder:
    """``{prefix}0`` redirects to ``{prefix}1`` and so on; ``{prefix}{hops}`` answers ``final``."""

    def respond(handler: FaultHandler, hit: int) -> None:
        step = handler.path.rsplit("/", 1)[-1]
        if not step.isdigit() or int(step) > hops:
            handler.answer(404, b"")
        elif int(step) == hops:
            handler.answer(200, final)
        else:
            handler.inject()
            handler.answer(302, b"", headers=[("Location", f"{prefix}{int(step) + 1}")])

    return respond


@functools.cache
def gzip_bomb_body(inflated: int = BOMB_INFLATED) -> bytes:
    """Gzip of ``inflated`` zero bytes, compressed a megabyte at a time (never held inflated).
    Cached: building it takes a few seconds."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(inflated // len(zeros))]
    parts.append(compressor.compress(bytes(inflated % len(zeros))))
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb() -> Responder:
    def respond(handler: FaultHandler, hit: int) -> None:
        body = gzip_bomb_body()
        handler.inject()
        handler.answer(200, body, headers=[("Content-Encoding", "gzip")])

    return respond


def _huge_chunks(size: int) -> Iterator[bytes]:
    """``size`` bytes of HTML from one reused 64 KiB chunk."""
    head, tail = b"<!doctype html><html><body>", b"</body></html>"
    paragraph = b"<p>" + b"All work and no play makes a very long page. " * 20 + b"</p>\n"
    chunk = paragraph * (64 * 1024 // len(paragraph))
    yield head
    left = size - len(head) - len(tail)
    while left > 0:
        piece = chunk if left >= len(chunk) else chunk[:left]
        left -= len(piece)
        yield piece
    yield tail


def huge_html(size: int = HUGE_PAGE, sized: bool = True) -> Responder:
    """A ``size``-byte page, generated while it is sent; with or without a Content-Length."""

    def respond(handler: FaultHandler, hit: int) -> None:
        handler.inject()
        handler.stream(_huge_chunks(size), length=size if sized else None)

    return respond


def _month_url(year: int, month: int) -> str:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"/calendar/{year:04d}/{month:02d}/"


def calendar_page(year: int, month: int) -> bytes:
    """A month of an events calendar: no story, just links to the months either side, forever."""
    previous, following = _month_url(year, month - 1), _month_url(year, month + 1)
    days = "".join(f"<td>{day}</td>" for day in range(1, 29))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>Events {year}-{month:02d}</title></head>"
            f"<body><h1>Events calendar {year}-{month:02d}</h1><table><tr>{days}</tr></table>"
            f"<a href='{previous}'>Previous month</a> <a href='{following}'>Next month</a></body></html>").encode()


def calendar() -> Responder:
    """``/calendar/YYYY/MM/`` for every year and month: a trap with no end in either direction."""

    def respond(handler: FaultHandler, hit: int) -> None:
        parts = urlsplit(handler.path).path.strip("/").split("/")
        if len(parts) != 3 or not (parts[1].isdigit() and parts[2].isdigit()) or not 1 <= int(parts[2]) <= 12:
            handler.answer(404, b"")
            return
        handler.inject()
        handler.answer(200, calendar_page(int(parts[1]), int(parts[2])))

    return respond


def big_index_chunks(base: str, count: int = BIG_INDEX_COUNT) -> Iterator[bytes]:
    """A sitemap index naming ``count`` child sitemaps, a thousand entries per chunk."""
    yield b"<?xml version='1.0' encoding='UTF-8'?>\n<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>\n"
    for start in range(0, count, 1000):
        yield "".join(f"<sitemap><loc>{base}/big/sitemap-{n}.xml</loc></sitemap>\n"
                      for n in range(start, min(start + 1000, count))).encode()
    yield b"</sitemapindex>\n"


def big_index(base: str, count: int = BIG_INDEX_COUNT) -> Responder:
    """The index, generated while it is sent (its length is counted first by a cheap dry run)."""
    length = sum(len(chunk) for chunk in big_index_chunks(base, count))

    def respond(handler: FaultHandler, hit: int) -> None:
        handler.inject()
        handler.stream(big_index_chunks(base, count), content_type="application/xml", length=length)

    return respond


def _laughs_dtd(levels: int = 9) -> str:
    entities = ["<!ENTITY lol0 'lol'>"]
    entities += [f"<!ENTITY lol{n} '{f'&lol{n - 1};' * 10}'>" for n in range(1, levels + 1)]
    return f"<!DOCTYPE lolz [{''.join(entities)}]>"


LAUGHS_DTD = _laughs_dtd()
"""Nine levels of ten-fold entities: ``&lol9;`` expands to 10^9 "lol"s (3 GB) if a parser lets it."""


def laughs_sitemap(article_url: str) -> bytes:
    """A urlset with a DTD bomb: one honest entry, one whose location is the bomb."""
    return ("<?xml version='1.0'?>" + LAUGHS_DTD
            + "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + f"<url><loc>{article_url}</loc></url><url><loc>&lol9;</loc></url></urlset>").encode()


def laughs_feed(article_url: str) -> bytes:
    """An RSS feed with a DTD bomb in its title and in a second item; the first item is honest."""
    return ("<?xml version='1.0'?>" + LAUGHS_DTD + "<rss version='2.0'><channel><title>&lol9;</title>"
            + f"<item><title>Part 12</title><link>{article_url}</link></item>"
            + "<item><title>&lol9;</title><link>&lol9;</link></item></channel></rss>").encode()


# -- the site ------------------------------------------------------------------------------------


def article(base: str, path: str, number: int) -> bytes:
    """``tests.sites.small`` article ``number``, canonical at its own fault path."""
    return article_page(base, number, canonical=f"{base}{path}").encode("utf-8")


def wrong_charset_article(base: str, path: str, number: int) -> bytes:
    """UTF-8 bytes, with accents, that declare themselves ISO-8859-1 (in the meta tag too)."""
    text = article_page(base, number, canonical=f"{base}{path}")
    text = text.replace("<meta charset='utf-8'>", "<meta charset='iso-8859-1'>")
    text = text.replace("</article>", f"<p>{html.escape(NON_ASCII)}</p></article>")
    return text.encode("utf-8")


def fill_fault_site(site: FaultSite, base: str) -> None:
    """Every fault, each at its own path (the names are those ``FaultSite.injected`` counts)."""
    routes: list[tuple[str, str, Responder]] = [
        ("/fault/500-twice.html", "http-500", failing_then_page(500, article(base, "/fault/500-twice.html", 1), 2)),
        ("/fault/502-once.html", "http-502", failing_then_page(502, article(base, "/fault/502-once.html", 2), 1)),
        ("/fault/503-always.html", "http-503", failing_then_page(503, b"", None)),
        ("/fault/429.html", "http-429", retry_after_then_page(article(base, "/fault/429.html", 3))),
        ("/fault/reset-once.html", "reset", reset_then_page(article(base, "/fault/reset-once.html", 4), 1)),
        ("/fault/reset-always.html", "reset", reset_then_page(b"", None)),
        ("/fault/stall.html", "stall", stall(5.0)),
        ("/fault/truncated.html", "truncated", truncated(article(base, "/fault/truncated.html", 5))),
        ("/fault/drip.html", "drip", drip(article(base, "/fault/drip.html", 6))),
        ("/fault/moved.html", "redirect", redirect("/fault/moved-here.html", 301)),
        ("/fault/moved-here.html", "", page(article(base, "/fault/moved-here.html", 14), inject=False)),
        ("/fault/loop-a", "redirect-loop", redirect("/fault/loop-b")),
        ("/fault/loop-b", "redirect-loop", redirect("/fault/loop-a")),
        ("/fault/text-plain.html", "content-type",
         page(article(base, "/fault/text-plain.html", 7), "text/plain; charset=utf-8")),
        ("/fault/octet-stream.html", "content-type",
         page(article(base, "/fault/octet-stream.html", 8), "application/octet-stream")),
        ("/fault/no-content-type.html", "content-type", page(article(base, "/fault/no-content-type.html", 9), None)),
        ("/fault/png.html", "binary", page(PNG)),
        ("/fault/gzip-bomb.html", "gzip-bomb", gzip_bomb()),
        ("/fault/huge.html", "huge", huge_html(sized=True)),
        ("/fault/huge-unsized.html", "huge", huge_html(sized=False)),
        ("/fault/wrong-charset.html", "wrong-charset",
         page(wrong_charset_article(base, "/fault/wrong-charset.html", 10), "text/html; charset=iso-8859-1")),
        ("/fault/laughs-sitemap.xml", "xml-bomb", page(laughs_sitemap(f"{base}/news/11.html"), "application/xml")),
        ("/fault/laughs-feed.xml", "xml-bomb", page(laughs_feed(f"{base}/news/12.html"), "application/rss+xml")),
        ("/news/11.html", "", page(article(base, "/news/11.html", 11), inject=False)),
        ("/news/12.html", "", page(article(base, "/news/12.html", 12), inject=False)),
        ("/big/index.xml", "big-index", big_index(base)),
    ]
    for path, fault, responder in routes:
        site.add(path, fault, responder)
    site.add_prefix("/fault/chain/", "redirect-chain",
                    chain("/fault/chain/", CHAIN_HOPS, article(base, f"/fault/chain/{CHAIN_HOPS}", 13)))
    site.add_prefix("/calendar/", "calendar-trap", calendar())
