"""Parquet output: the crawl's ``-o articles.parquet`` and ``newsclean clean -o out.parquet``, read
back with pyarrow, and a writer killed (SIGKILL) at each stage losing nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaners.article import article_schema
from cleaners.write.parquet import ParquetArticles, finish_interrupted, parquet_schema
from tests.crawling import ROOT, crawl_command, crawl_environment
from tests.kill_resume import article_urls, build_site, lines_written
from tests.sites.server import Site, serving

FIXTURES = Path(__file__).parent / "fixtures"


def _record(number: int) -> dict:
    """An article record as the cleaners write it, with every kind of column filled or empty."""
    return {"url": f"https://news.example/{number}", "canonicalUrl": None, "headline": f"Story {number}",
            "articleSection": "World" if number % 2 else None,
            "authors": [{"name": "Ann Lee"}, {"name": "Bo Chen"}][: number % 3],
            "datePublished": "2024-05-01" if number % 2 else "2024-05-01T09:30:00+02:00",
            "datePublishedRaw": "1 May 2024", "dateModified": None, "dateModifiedRaw": None, "inLanguage": "en",
            "description": None, "articleBody": f"Paragraph one of {number}.\n\nParagraph two.",
            "keywords": ["politics", "élections"] if number % 2 else [],
            "mainImage": {"url": f"https://news.example/{number}.jpg"} if number % 2 else None, "sourceUrl": None,
            "metadata": {"dateDownloaded": "2024-05-02T00:00:00Z", "source": "crawl", "encoding": "utf-8",
                         "removedChrome": ["Share this"], "fingerprint": "sha256:" + "0" * 64,
                         "cleanerVersion": "0.1.0"}}


def test_the_columns_follow_the_json_schema():
    schema = parquet_schema()
    assert schema.names == list(article_schema()["$defs"]["Article"]["properties"])
    assert schema.field("authors").type == pa.list_(pa.struct([pa.field("name", pa.string(), nullable=False)]))
    assert schema.field("keywords").type == pa.list_(pa.string())
    assert schema.field("datePublished").type == pa.string()
    assert not schema.field("articleBody").nullable and schema.field("headline").nullable
    assert schema.field("metadata").type.field("removedChrome").type == pa.list_(pa.string())


def test_records_read_back_as_written_in_row_groups_and_o_appends_while_big_o_replaces(tmp_path):
    path = tmp_path / "articles.parquet"
    writer = ParquetArticles(path, row_group_rows=3)
    for number in range(7):
        writer.write(_record(number))
    writer.close()
    assert pq.read_table(path).to_pylist() == [_record(n) for n in range(7)]
    assert pq.ParquetFile(path).num_row_groups == 3
    assert not path.with_name("articles.parquet.parts").exists()

    again = ParquetArticles(path, row_group_rows=3)
    again.write(_record(7))
    again.close()
    assert [row["url"] for row in pq.read_table(path).to_pylist()] == [_record(n)["url"] for n in range(8)]

    fresh = ParquetArticles(path, overwrite=True)
    fresh.write(_record(9))
    fresh.close()
    assert pq.read_table(path).num_rows == 1


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
import cleaners.write.parquet as parquet
sys.path.insert(0, {tests!r})
from test_parquet import _record
stage, path = sys.argv[1], Path(sys.argv[2])
def kill(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
writer = parquet.ParquetArticles(path, row_group_rows=3)
for number in range(7):
    writer.write(_record(number))
if stage == "writing":
    with (path.parent / (path.name + ".parts") / "pending-000003.jsonl").open("a") as journal:
        journal.write('{{"url": "torn')  # a record the kill cut in half
    kill()
real_replace = os.replace
if stage == "before-replace":  # the complete copy is made and the parts folder renamed: kill
    calls = []
    def replace(source, target):
        calls.append(source)
        if len(calls) == 3:
            kill()
        real_replace(source, target)
    parquet.os.replace = replace
if stage == "before-cleanup":
    parquet.shutil.rmtree = kill
writer.close()
"""


@pytest.mark.parametrize("stage", ["writing", "before-replace", "before-cleanup"])
def test_a_writer_killed_at_any_stage_loses_no_record_and_repeats_none(tmp_path, stage):
    path = tmp_path / "articles.parquet"
    script = _KILLED_WRITER.format(tests=str(Path(__file__).parent))
    result = subprocess.run([sys.executable, "-c", script, stage, str(path)], cwd=ROOT, capture_output=True,
                            timeout=60, check=False)
    assert result.returncode == -9, result.stderr.decode()[-2000:]
    if stage == "writing":  # as a user would: the installed command
        finish = subprocess.run([str(Path(sys.executable).parent / "newsclean"), "finish", str(path)],
                                capture_output=True, text=True, timeout=60, check=False)
        assert finish.returncode == 0 and "finished, 7 records (1 recovered from the journal)" in finish.stderr
    else:
        finish_interrupted(path)
    assert [row["url"] for row in pq.read_table(path).to_pylist()] == [_record(n)["url"] for n in range(7)]
    assert not [p for p in tmp_path.iterdir() if p != path], sorted(tmp_path.iterdir())


def test_newsclean_clean_writes_parquet_with_failures_beside_it(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01 binary")
    out = tmp_path / "out" / "articles.parquet"
    command = [sys.executable, "-m", "cleaners", str(FIXTURES / "wcxb-0031"), str(FIXTURES / "seed-plain"), str(bad),
               "-O", str(out), "--jobs", "1"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1, result.stderr  # one input failed
    jsonl = subprocess.run([*command[:-4], "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                           check=False)
    expected = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert pq.read_table(out).to_pylist() == [r for r in expected if "error" not in r]
    failures = [json.loads(line) for line in out.with_name("articles.parquet.failures.jsonl").read_text().splitlines()]
    assert [f["error"]["input"] for f in failures] == [str(bad)]

    appended = subprocess.run([*command[:-4], "-o", str(out), "--jobs", "1"], cwd=ROOT, capture_output=True,
                              text=True, timeout=300, check=False)
    assert appended.returncode == 1
    assert pq.read_table(out).num_rows == 2 * len([r for r in expected if "error" not in r])


def test_appending_to_a_file_that_is_not_parquet_is_a_usage_error_naming_it(tmp_path):
    out = tmp_path / "articles.parquet"
    out.write_text("not parquet\n")
    result = subprocess.run([sys.executable, "-m", "cleaners", str(FIXTURES / "seed-plain"), "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2 and str(out) in result.stderr and "Traceback" not in result.stderr
    assert out.read_text() == "not parquet\n"


def test_a_killed_parquet_crawl_resumes_with_every_article_once(tmp_path):
    """``-o articles.parquet``: SIGKILL the crawl after a few articles, run it again, and the file
    holds each of the 30 articles once."""
    site = Site()
    with serving(site) as base:
        build_site(site, base)
        out = tmp_path / "crawl"
        command = crawl_command(out, {"sitemaps": f"{base}/sitemap.xml"},
                                {"JOBDIR": str(out / "job"), "CONCURRENT_REQUESTS": "4"})
        command[command.index(str(out / "articles.jsonl"))] = str(out / "articles.parquet")
        first = subprocess.Popen(command, cwd=ROOT, env=crawl_environment(), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
        outcomes = out / "outcomes.jsonl"
        while first.poll() is None and lines_written(outcomes) < 8:
            time.sleep(0.02)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        assert list((out / "articles.parquet.parts").glob("pending-*.jsonl")), "killed mid-crawl, journal left"
        second = subprocess.run(command, cwd=ROOT, env=crawl_environment(), capture_output=True, text=True,
                                timeout=300, check=False)
        assert second.returncode == 0, second.stderr[-3000:]
    urls = Counter(row["url"] for row in pq.read_table(out / "articles.parquet").to_pylist())
    assert set(urls) == set(article_urls(base)) and set(urls.values()) == {1}
    assert not (out / "articles.parquet.parts").exists()
