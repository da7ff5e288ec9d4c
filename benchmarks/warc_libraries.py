"""warcio or FastWARC? ``python -m benchmarks.warc_libraries [--records N]``.

Writes the same records (the AEB benchmark pages as HTTP responses, each after its request) with
each library, gzip per record, then reads every file back with each, taking each response's
payload whole. Reported per record, in one process, best of three, so the figures can be set
against the cost of cleaning a page (about 10 ms).

- ``warcio``: ``WARCWriter(gzip=True)``, which compresses at zlib level 9;
- ``warcio + zlib 6``: warcio builds the record and its digests, we gzip it at level 6;
- ``ours: warcio + zlib 3``: the crawl's writer as shipped (``cleaners.write.warc_writer``, level 3),
  file rotation and whole-member writes included;
- ``fastwarc + zlib 6``: FastWARC builds the record and its digests, we gzip it at level 6 (its
  ``GzipWriter`` makes the whole file one gzip stream, not one member per record);
- reading: warcio's and FastWARC's ``ArchiveIterator`` over the whole file, and
  ``cleaners.read.warc_reader.read_warc`` (member by member, then warcio's parser), which is what the
  cleaners use because a corrupt member costs one record, not the rest of the file.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecord, WarcRecordType
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.quality import default_data_dir
from cleaners.read.warc_reader import read_warc
from cleaners.write.warc_writer import OPEN_SUFFIX, RotatingWarcWriter

Exchange = tuple[str, bytes]


def _pages(data_dir: Path, records: int) -> list[Exchange]:
    bodies = [gzip.decompress(p.read_bytes()) for p in sorted((data_dir / "aeb" / "html").glob("*.html.gz"))]
    return [(f"https://site{i % 50}.example/story/{i}.html", bodies[i % len(bodies)]) for i in range(records)]


def _heads() -> tuple[StatusAndHeaders, StatusAndHeaders]:
    return (StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True),
            StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"))


def _warcio_records(writer: WARCWriter, url: str, body: bytes) -> list:
    request, response = _heads()
    return [writer.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0, http_headers=request),
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                      http_headers=response)]


def write_warcio(path: Path, pages: list[Exchange]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
        for url, body in pages:
            for record in _warcio_records(writer, url, body):
                writer.write_record(record)


def write_ours(path: Path, pages: list[Exchange]) -> None:
    """The crawl's own writer, as configured by default (warcio records, zlib level 3)."""
    writer = RotatingWarcWriter(path.parent / "ours", "benchmark")
    for url, body in pages:
        request, response = _heads()
        writer.write([(url, "request", b"", request, {}), (url, "response", body, response, {})])
    written = writer.current
    writer.close()
    assert written is not None
    written.with_name(written.name.removesuffix(OPEN_SUFFIX)).replace(path)


def write_warcio_zlib6(path: Path, pages: list[Exchange]) -> None:
    with path.open("wb") as out:
        for url, body in pages:
            for record in _warcio_records(WARCWriter(io.BytesIO(), gzip=False, warc_version="WARC/1.1"), url, body):
                buffer = io.BytesIO()
                WARCWriter(buffer, gzip=False, warc_version="WARC/1.1").write_record(record)
                packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
                out.write(packer.compress(buffer.getvalue()) + packer.flush())


_FAST_EXCHANGE = ((WarcRecordType.request, "request", b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"),
                  (WarcRecordType.response, "response", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"))


def write_fastwarc_zlib6(path: Path, pages: list[Exchange]) -> None:
    """FastWARC builds each record and its digests into memory, we gzip it at level 6 (its own
    ``GzipWriter`` makes one gzip stream of the whole file, which warcio refuses to index)."""
    with path.open("wb") as out:
        for url, body in pages:
            for record_type, kind, head in _FAST_EXCHANGE:
                record = WarcRecord()
                record.init_headers(record_type=record_type)
                record.headers.set("WARC-Target-URI", url)
                record.headers.set("Content-Type", "application/http; msgtype=" + kind)
                record.set_bytes_content(head + (body if kind == "response" else b""))
                buffer = io.BytesIO()
                record.write(buffer, checksum_data=True)
                packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
                out.write(packer.compress(buffer.getvalue()) + packer.flush())


def read_with_warcio(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(len(r.content_stream().read()) for r in ArchiveIterator(stream) if r.rec_type == "response")


def read_with_fastwarc(path: Path) -> int:
    return sum(len(r.reader.read()) for r in FastIterator(str(path), record_types=WarcRecordType.response,
                                                          parse_http=True))


def read_with_ours(path: Path) -> int:
    return sum(len(item.page.body) for item in read_warc(path, 50_000_000) if item.page is not None)


def _best(function: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.warc_libraries", description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000, help="responses written (each after its request)")
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    pages = _pages(args.data_dir or default_data_dir(), args.records)
    megabytes = sum(len(body) for _, body in pages) / 1e6
    print(f"{len(pages)} responses, {megabytes:.0f} MB of HTML\n")
    print("| library | write ms/response | file MB | read ms/response (warcio / fastwarc / ours) |")
    print("|---|---:|---:|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in (("warcio", write_warcio), ("warcio + zlib 6", write_warcio_zlib6),
                             ("fastwarc + zlib 6", write_fastwarc_zlib6), ("ours: warcio + zlib 3", write_ours)):
            path = Path(folder) / f"{name.replace(' ', '')}.warc.gz"
            seconds = _best(lambda w=writer, p=path: w(p, pages), repeats=1)
            reads = [_best(lambda r=reader, p=path: r(p)) for reader in
                     (read_with_warcio, read_with_fastwarc, read_with_ours)]
            shown = " / ".join(f"{1000 * s / len(pages):.3f}" for s in reads)
            print(f"| {name} | {1000 * seconds / len(pages):.2f} | {path.stat().st_size / 1e6:.1f} | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
