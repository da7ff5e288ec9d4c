"""WARC: the crawl's archive, and WARC input to the cleaners (ours and Common Crawl's style).

Archives are written here from real pages (the fixtures), the way our crawl writes them (raw
body, its Content-Encoding kept) and the way Common Crawl does (body decoded, the original header
renamed ``X-Crawler-Content-Encoding``), then read by ``python -m cleaners`` as a user runs it.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.cli import main as warcio_main
from warcio.statusandheaders import StatusAndHeaders

from cleaners.write.warc_writer import OPEN_SUFFIX, RotatingWarcWriter
from tests.crawling import ROOT, crawl_command, crawl_environment, read_jsonl, run_crawl
from tests.kill_resume import article_urls, build_site
from tests.sites.server import Site, serving

FIXTURES = ROOT / "tests" / "fixtures"


def _fixture_html(name: str) -> bytes:
    folder = FIXTURES / name
    return gzip.decompress((folder / "input.html.gz").read_bytes()) if (folder / "input.html.gz").exists() \
        else (folder / "input.html").read_bytes()


PAGES = {f"https://news.example/{name}.html": _fixture_html(name) for name in ("wcxb-0031", "wcxb-0073", "seed-plain")}


def _response(status: str, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    return StatusAndHeaders(status, headers, protocol="HTTP/1.1")


def _request(url: str) -> StatusAndHeaders:
    return StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "news.example")], is_http_request=True)


def _write(folder: Path, records: list[tuple]) -> Path:
    writer = RotatingWarcWriter(folder, "test")
    for record in records:
        writer.write([record])
    path = writer.current
    writer.close()
    assert path is not None
    return path.with_name(path.name.removesuffix(OPEN_SUFFIX))


def _clean(*arguments: str) -> tuple[int, list[dict], str]:
    result = subprocess.run([sys.executable, "-m", "cleaners", *arguments, "--jobs", "1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, check=False)
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def _warcio_check(path: Path) -> int:
    with pytest.raises(SystemExit) as exit_:
        warcio_main(["check", str(path)])
    return int(exit_.value.code or 0)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data)


@pytest.fixture()
def mixed_archive(tmp_path: Path) -> Path:
    """Our style (raw gzip body) and Common Crawl's (decoded body, renamed header), plus the
    records that give no page."""
    (first, first_body), (second, second_body), (third, third_body) = PAGES.items()
    html = [("Content-Type", "text/html; charset=utf-8")]
    return _write(tmp_path / "warc", [
        (first, "request", b"", _request(first), {}),
        (first, "response", _gzip(first_body), _response("200 OK", [*html, ("Content-Encoding", "gzip")]), {}),
        (second, "response", second_body, _response("200 OK", [*html, ("X-Crawler-Content-Encoding", "gzip")]), {}),
        ("https://news.example/moved", "response", b"", _response("301 Moved", [("Location", "/x")]), {}),
        ("https://news.example/missing", "response", b"gone", _response("404 Not Found", html), {}),
        ("https://news.example/logo.png", "response", b"\x89PNG...", _response("200 OK", [("Content-Type",
                                                                                         "image/png")]), {}),
        ("https://news.example/report.pdf", "response", b"%PDF-1.4", _response("200 OK", [("Content-Type",
                                                                                          "application/pdf")]), {}),
        (first, "metadata", b"outcome: article\r\n", None, {"Content-Type": "application/warc-fields"}),
        (third, "response", third_body, _response("200 OK", [("Content-Type", "application/octet-stream")]), {}),
    ])


def test_each_html_response_gives_one_record_in_order_and_other_records_are_counted(mixed_archive):
    code, records, log = _clean(str(mixed_archive))
    assert code == 0, log
    assert [r["url"] for r in records] == list(PAGES)
    for record, url in zip(records, PAGES, strict=True):
        assert "error" not in record, record
        assert len(record["articleBody"]) > 200
        source, _, offset = record["metadata"]["source"].rpartition("@")
        assert source == str(mixed_archive)
        # The offset finds the record again: one gzip member from there.
        with mixed_archive.open("rb") as stream:
            stream.seek(int(offset))
            found = next(iter(ArchiveIterator(stream)))
            assert found.rec_headers.get_header("WARC-Target-URI") == url
            assert record["metadata"]["dateDownloaded"][:19] == found.rec_headers.get_header("WARC-Date")[:19]
    assert "cleaned 3" in log
    assert "WARC records without a page: metadata 1, not-html 2, request 1, status-3xx 1, status-4xx 1, warcinfo 1" \
        in log


def test_charset_comes_from_the_http_header(tmp_path):
    text = "Ещё одна новость о городском бюджете и о том, что решил совет. " * 12
    body = f"<html><head><title>Бюджет</title></head><body><article><h1>Бюджет</h1><p>{text}</p>" \
           f"<p>{text}</p></article></body></html>".encode("cp1251")
    url = "https://news.example/budget.html"
    path = _write(tmp_path, [(url, "response", body,
                              _response("200 OK", [("Content-Type", "text/html; charset=windows-1251")]), {})])
    code, records, log = _clean(str(path))
    assert code == 0, log
    assert "Ещё одна новость" in records[0]["articleBody"]


def _members(path: Path) -> list[int]:
    """The offsets of the file's gzip members."""
    data, offsets, position = path.read_bytes(), [], 0
    while position < len(data):
        offsets.append(position)
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        inflater.decompress(data[position:])
        position = len(data) - len(inflater.unused_data)
    return offsets


def test_a_corrupt_member_costs_its_record_alone_and_a_truncated_tail_is_named(mixed_archive, tmp_path):
    data = bytearray(mixed_archive.read_bytes())
    offsets = _members(mixed_archive)
    second_page = offsets[3]  # warcinfo, request, first response, then the second page's response
    data[second_page + 30: second_page + 60] = b"\x00" * 30
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(bytes(data[:-40]))  # and the last member cut short
    code, records, log = _clean(str(broken))
    assert code == 1
    assert "Traceback" not in log
    errors = [r["error"] for r in records if "error" in r]
    assert [e["input"] for e in errors] == [f"{broken}@{second_page}", f"{broken}@{offsets[-1]}"]
    assert "corrupt" in errors[0]["message"] and "truncated" in errors[1]["message"]
    assert [r["url"] for r in records if "error" not in r] == [next(iter(PAGES))]


def test_a_gzip_bomb_and_a_lying_length_give_errors_and_reading_goes_on(tmp_path):
    first, body = next(iter(PAGES.items()))
    bomb = gzip.compress(b"<html><body>" + b" " * 60_000_000)
    html = [("Content-Type", "text/html")]
    path = _write(tmp_path, [
        ("https://news.example/bomb.html", "response", bomb, _response("200 OK", [*html, ("Content-Encoding",
                                                                                         "gzip")]), {}),
        (first, "response", body, _response("200 OK", html), {}),
    ])
    # A third record whose Content-Length claims more than its member holds, then a good one again.
    lying = io.BytesIO()
    record = f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {first}\r\nContent-Length: 99999\r\n\r\n"
    lying.write(gzip.compress(record.encode() + b"HTTP/1.1 200 OK\r\n\r\n<html></html>\r\n\r\n"))
    data = path.read_bytes()
    offsets = _members(path)
    patched = tmp_path / "patched.warc.gz"
    patched.write_bytes(data + lying.getvalue() + data[offsets[2]:])
    code, records, log = _clean(str(patched), "--max-bytes", "10000000")
    assert code == 1 and "Traceback" not in log
    kinds = [r["error"]["kind"] if "error" in r else "article" for r in records]
    assert kinds == ["too-large", "article", "unreadable", "article"]
    assert "truncated" in records[2]["error"]["message"]


def test_an_uncompressed_warc_with_a_lying_length_goes_on_at_the_next_record(tmp_path):
    (first, body), (second, other) = list(PAGES.items())[:2]
    def record(url: str, payload: bytes, claimed: int | None = None) -> bytes:
        block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + payload
        head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T10:00:00Z\r\n"
                f"Content-Type: application/http; msgtype=response\r\nContent-Length: {claimed or len(block)}\r\n\r\n")
        return head.encode() + block + b"\r\n\r\n"
    path = tmp_path / "plain.warc"
    path.write_bytes(record(first, body, claimed=len(body) + 5000) + record(second, other))
    code, records, log = _clean(str(path))
    assert code == 1 and "Traceback" not in log
    assert records[0]["error"]["input"] == f"{path}@0"
    assert records[1]["url"] == second and "error" not in records[1]


def test_filters_by_host_date_and_limit(tmp_path):
    html = [("Content-Type", "text/html")]
    records = []
    for number, (url, body) in enumerate(PAGES.items()):
        host_url = url.replace("news.example", ["news.example", "sport.news.example", "other.example"][number])
        records.append((host_url, "response", body, _response("200 OK", html),
                        {"WARC-Date": f"2024-05-0{number + 1}T12:00:00Z"}))
    path = _write(tmp_path, records)
    _, kept, log = _clean(str(path), "--host", "news.example")
    assert [r["url"].split("/")[2] for r in kept] == ["news.example", "sport.news.example"]
    assert "filtered 1" in log
    _, kept, _ = _clean(str(path), "--since", "2024-05-02", "--until", "2024-05-03")
    assert [r["url"].split("/")[2] for r in kept] == ["sport.news.example"]
    _, kept, _ = _clean(str(path), "--limit", "1")
    assert len(kept) == 1


def test_the_demo_crawl_leaves_a_valid_warc_that_cleans_to_the_same_articles(tmp_path):
    from tests.sites.record_demo import CASSETTE, DEMO_ARGUMENTS

    result = run_crawl(tmp_path, DEMO_ARGUMENTS, settings={"VCR_CASSETTE": str(CASSETTE)})
    assert result.returncode == 0
    archives = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(archives) == 1 and not list((tmp_path / "warc").glob(f"*{OPEN_SUFFIX}"))
    assert _warcio_check(archives[0]) == 0
    with archives[0].open("rb") as stream:
        records = list(ArchiveIterator(stream))
    kinds = {r.rec_type for r in records}
    assert kinds == {"warcinfo", "request", "response", "metadata"}
    responses = [r for r in records if r.rec_type == "response"]
    assert all(r.rec_headers.get_header("Newsclean-Replayed-From") == CASSETTE.name for r in responses)
    assert any(r.rec_headers.get_header("WARC-Target-URI").endswith("/robots.txt") for r in responses)
    code, cleaned, log = _clean(*map(str, archives))
    assert code == 0, log
    again = {r["url"]: r for r in cleaned if "error" not in r}
    for article in result.articles:
        assert again[article["url"]]["articleBody"] == article["articleBody"]
        assert again[article["url"]]["headline"] == article["headline"]
    # What the crawl wrote fewer of, it wrote an outcome line for: the same story under another URL.
    dropped = {o["url"] for o in result.outcomes if o["outcome"] == "duplicate"}
    assert set(again) - {a["url"] for a in result.articles} <= dropped


def test_a_killed_crawl_leaves_only_whole_records_and_the_next_run_finishes_its_file(tmp_path):
    site = Site()
    with serving(site) as base:
        build_site(site, base)
        out = tmp_path / "crawl"
        command = crawl_command(out, {"sitemaps": f"{base}/sitemap.xml"}, {"CONCURRENT_REQUESTS": "2"})
        crawl = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while len(read_jsonl(out / "articles.jsonl")) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(crawl.pid, signal.SIGKILL)
        crawl.wait()
        left = list((out / "warc").glob(f"*{OPEN_SUFFIX}"))
        assert len(left) == 1, "the killed writer's file keeps its in-progress name"
        with left[0].open("ab") as torn:  # as if the kill had come in the middle of a write
            torn.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000))[:700])
        assert subprocess.run(command, cwd=ROOT, env=crawl_environment(), capture_output=True,
                              timeout=300).returncode == 0
    archives = sorted((out / "warc").glob("*.warc.gz"))
    assert len(archives) == 2 and not list((out / "warc").glob(f"*{OPEN_SUFFIX}"))
    for archive in archives:
        assert _warcio_check(archive) == 0, archive.name
    code, cleaned, log = _clean(*map(str, archives))
    assert "Traceback" not in log and code == 0, log
    assert set(article_urls(base)) <= {r["url"] for r in cleaned if "error" not in r}


def test_many_archives_on_a_local_dask_cluster_one_atomic_output_per_file_and_a_rerun_skips_them(mixed_archive,
                                                                                                  tmp_path):
    archives = []
    for number in range(3):
        copy = tmp_path / f"part-{number}.warc.gz"
        copy.write_bytes(mixed_archive.read_bytes())
        archives.append(copy)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".part-0.jsonl.999.part").write_text("torn", encoding="utf-8")  # a killed worker's leftover
    command = [sys.executable, "-m", "cleaners.many_archives", str(out), *map(str, archives), "--workers", "2"]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    assert "3 files: article 9, done now 3" in first.stderr
    _, expected, _ = _clean(str(mixed_archive))
    for archive in archives:
        records = read_jsonl(out / archive.name.replace(".warc.gz", ".jsonl"))
        assert [r["articleBody"] for r in records] == [r["articleBody"] for r in expected]
        assert records[0]["metadata"]["source"].startswith(str(archive) + "@")
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0 and "3 files: done before 3" in again.stderr, again.stderr
