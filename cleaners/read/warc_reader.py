"""WARC files to ``Page`` records: our crawl's archives and Common Crawl's (CC-NEWS) alike.

Records are framed here and parsed by warcio. A ``.warc.gz`` is read one gzip member at a time
(WARC files compress each record on its own), so a corrupt or truncated member costs that record
alone: it gives one error naming the file and the member's offset, and reading goes on at the next
gzip header. The same holds for an uncompressed ``.warc`` whose record lies about its length:
reading goes on at the next ``WARC/1.x`` line. A member that inflates past the page limit (a gzip
bomb) is inflated in bounded pieces to find its end and never held whole.

One HTML response gives one page: a 2xx ``response`` record whose HTTP ``Content-Type`` is HTML or
XHTML, or, when that type is missing or says nothing (``application/octet-stream``, ``text/plain``),
whose first bytes read as HTML. Its body is de-chunked and decoded from its ``Content-Encoding``
within the page limit. Common Crawl stores bodies already decoded and renames the original header
``X-Crawler-Content-Encoding``, which is therefore not decoded again. Every other record (requests,
metadata, revisits, other statuses, images, PDFs) gives no page, only a count by kind.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import attrs
import brotli
from warcio.bufferedreaders import ChunkedDataReader
from warcio.recordloader import ArchiveLoadFailed, ArcWarcRecordLoader

from cleaners.errors import CleaningError, FailureKind
from cleaners.read.page import Page

WARC_SUFFIXES = (".warc", ".warc.gz")
_READ = 1 << 20
_HEADER_ROOM = 1 << 20
"""Bytes a record may hold beyond the page itself (WARC and HTTP headers)."""
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_UNSAID_TYPES = ("", "application/octet-stream", "text/plain", "unknown/unknown")
_LOOKS_HTML = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)[\s>]",
                         re.IGNORECASE | re.DOTALL)
_CONTENT_LENGTH = re.compile(rb"\r\nContent-Length:\s*(\d+)", re.IGNORECASE)


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


@attrs.frozen
class Wanted:
    """Which HTML responses to keep: hosts (subdomains included) and a span of ``WARC-Date``."""

    hosts: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def host_wanted(self, url: str) -> bool:
        if not self.hosts:
            return True
        host = (urlsplit(url).hostname or "").lower()
        return any(host == wanted or host.endswith("." + wanted) for wanted in self.hosts)

    def date_wanted(self, moment: datetime | None) -> bool:
        if moment is None:
            return not (self.since or self.until)
        return (self.since is None or moment >= self.since) and (self.until is None or moment < self.until)


@attrs.frozen
class WarcItem:
    """What one record gave: a page, a kind of record that gives none, or an error."""

    offset: int
    page: Page | None = None
    skipped: str | None = None
    error: CleaningError | None = None
    url: str | None = None


@attrs.define
class ReadCounter:
    """Compressed bytes read so far, for the progress bar."""

    bytes_read: int = 0


def _gzip_members(stream: BinaryIO, limit: int, counter: ReadCounter) -> Iterator[tuple[int, bytes | CleaningError]]:
    """Each gzip member's offset and inflated bytes, or an error for a member that is corrupt,
    truncated or inflates past ``limit`` (after which reading goes on at the next member)."""
    position = 0
    data = b""
    eof = False

    def more() -> bool:
        nonlocal data, eof
        chunk = b"" if eof else stream.read(_READ)
        counter.bytes_read += len(chunk)
        eof = eof or not chunk
        data += chunk
        return bool(chunk)

    while data or more():
        start = position
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts: list[bytes] = []
        size = 0
        failure: str | None = None
        while True:
            try:
                out = inflater.decompress(data, _READ)
            except zlib.error as error:
                failure = f"the gzip data is corrupt ({error})"
                break
            size += len(out)
            if size <= limit:
                parts.append(out)
            elif parts:
                parts = []  # a bomb: go on inflating to find the member's end, keeping nothing
            if inflater.eof:
                rest = inflater.unused_data
                position += len(data) - len(rest)
                data = rest
                break
            tail = inflater.unconsumed_tail
            position += len(data) - len(tail)
            data = tail
            if not data and not more():
                failure = "the gzip data is truncated"
                break
        if failure is None:
            if size > limit:
                yield start, CleaningError(FailureKind.TOO_LARGE,
                                           f"the record inflates past the limit of {limit:,} bytes")
            else:
                yield start, b"".join(parts)
            continue
        yield start, CleaningError(FailureKind.UNREADABLE, failure)
        # Go on at the next gzip header after the bad member's start.
        data = data if position > start else data[1:]
        position = max(position, start + 1)
        while (found := data.find(b"\x1f\x8b\x08")) < 0:
            position += max(0, len(data) - 2)
            data = data[-2:]
            if not more():
                return
        position += found
        data = data[found:]


def _plain_records(stream: BinaryIO, limit: int, counter: ReadCounter) -> Iterator[tuple[int, bytes | CleaningError]]:
    """Each record of an uncompressed WARC, framed by its ``Content-Length``; one whose length lies
    (it does not end where the next record starts) is an error, and reading goes on at the next
    ``WARC/1.x`` line."""
    stream.seek(0, io.SEEK_END)
    total = stream.tell()
    position = 0
    while position < total:
        stream.seek(position)
        head = stream.read(min(_HEADER_ROOM, total - position))
        end = head.find(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head, 0, end) if end > 0 else None
        problem = None
        if not head.startswith(b"WARC/") or length is None:
            problem = "no WARC record starts here"
        else:
            record_end = position + end + 4 + int(length.group(1))
            if int(length.group(1)) > limit:
                problem = f"the record is {int(length.group(1)):,} bytes, over the limit of {limit:,}"
            else:
                stream.seek(position)
                record = stream.read(record_end - position)
                separator = stream.read(4)
                if len(record) < record_end - position:
                    problem = "the record is truncated"
                elif separator not in (b"\r\n\r\n", b""):
                    problem = "the record's Content-Length does not match where it ends"
                else:
                    counter.bytes_read = record_end
                    yield position, record
                    position = record_end + len(separator)
                    continue
        yield position, CleaningError(FailureKind.UNREADABLE, problem)
        position = _next_warc_line(stream, position + 1)
        counter.bytes_read = position


def _next_warc_line(stream: BinaryIO, position: int) -> int:
    """Where the next ``WARC/1.x`` version line starts after ``position`` (the end if none)."""
    stream.seek(position)
    carry, base = b"", position
    while chunk := stream.read(_READ):
        window = carry + chunk
        if (found := window.find(b"\nWARC/1.")) >= 0:
            return base + found + 1
        carry = window[-8:]
        base += len(window) - len(carry)
    return base + len(carry)


_LOADER = ArcWarcRecordLoader()


def _decoded(body: bytes, encoding: str, limit: int) -> bytes:
    """The body without its ``Content-Encoding``, never more than ``limit`` + 1 bytes of it."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        for wbits in ((zlib.MAX_WBITS | 16,) if "gzip" in encoding else (zlib.MAX_WBITS, -zlib.MAX_WBITS)):
            try:
                return zlib.decompressobj(wbits).decompress(body, limit + 1)
            except zlib.error:
                continue
        raise CleaningError(FailureKind.UNREADABLE, f"the body does not decode as its Content-Encoding {encoding}")
    if encoding == "br":
        try:
            return brotli.Decompressor().process(body, output_buffer_limit=limit + 1)[:limit + 1]
        except brotli.error as error:
            raise CleaningError(FailureKind.UNREADABLE, "the body does not decode as brotli") from error
    raise CleaningError(FailureKind.UNREADABLE, f"the body's Content-Encoding {encoding} is not supported")


def _html_kind(content_type: str, body: bytes) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in _HTML_TYPES:
        return True
    return media in _UNSAID_TYPES and bool(_LOOKS_HTML.match(body[:1024]))


def _item(path: Path, offset: int, data: bytes, limit: int, wanted: Wanted) -> WarcItem:
    head_end = data.find(b"\r\n\r\n")
    declared = _CONTENT_LENGTH.search(data, 0, head_end) if head_end > 0 else None
    if declared is None:
        return WarcItem(offset, error=CleaningError(FailureKind.UNREADABLE, "the record has no WARC header"))
    if (block := len(data) - head_end - 4) < int(declared.group(1)):
        return WarcItem(offset, error=CleaningError(
            FailureKind.UNREADABLE, f"the record is truncated: {block:,} of its {int(declared.group(1)):,} bytes"))
    try:
        record = _LOADER.parse_record_stream(io.BytesIO(data), known_format="warc")
    except (ArchiveLoadFailed, ValueError, AttributeError) as error:  # warcio's, on malformed headers
        return WarcItem(offset, error=CleaningError(FailureKind.UNREADABLE, f"the record cannot be parsed ({error})"))
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type != "response":
        return WarcItem(offset, skipped=record.rec_type or "unknown", url=url)
    if record.http_headers is None or not url:
        return WarcItem(offset, skipped="not-http", url=url)
    http = record.http_headers
    payload = record.raw_stream.read()
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return WarcItem(offset, skipped=f"status-{status[:1] or '?'}xx", url=url)
    content_type = http.get_header("Content-Type") or ""
    fetched_at = _warc_date(record.rec_headers.get_header("WARC-Date"))
    if not wanted.host_wanted(url) or not wanted.date_wanted(fetched_at):
        return WarcItem(offset, skipped="filtered", url=url)
    try:
        if "chunked" in (http.get_header("Transfer-Encoding") or "").lower():
            payload = ChunkedDataReader(io.BytesIO(payload), decomp_type=None).read()
        body = _decoded(payload, http.get_header("Content-Encoding") or "", limit)
    except CleaningError as error:
        return WarcItem(offset, url=url, error=error)
    if len(body) > limit:
        return WarcItem(offset, url=url, error=CleaningError(
            FailureKind.TOO_LARGE, f"the page inflates past the limit of {limit:,} bytes"))
    if not _html_kind(content_type, body):
        return WarcItem(offset, skipped="not-html", url=url)
    headers = {"content-type": content_type} if content_type else {}
    return WarcItem(offset, url=url, page=Page(body=body, url=url, headers=headers, fetched_at=fetched_at,
                                               source=f"{path}@{offset}"))


def _warc_date(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def read_warc(path: Path, max_bytes: int, wanted: Wanted | None = None,
              counter: ReadCounter | None = None) -> Iterator[WarcItem]:
    """Every record of the file, in order, as a page, a skipped kind or an error."""
    wanted = wanted or Wanted()
    counter = counter or ReadCounter()
    limit = max_bytes + _HEADER_ROOM
    try:
        stream = path.open("rb")
    except OSError as error:
        yield WarcItem(0, error=CleaningError(FailureKind.UNREADABLE,
                                              f"the file cannot be read ({error.strerror or error})"))
        return
    with stream:
        framed = (_gzip_members if path.name.lower().endswith(".gz") else _plain_records)(stream, limit, counter)
        for offset, data in framed:
            if isinstance(data, CleaningError):
                yield WarcItem(offset, error=data)
            else:
                yield _item(path, offset, data, max_bytes, wanted)
