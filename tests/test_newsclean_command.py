"""``newsclean crawl`` and ``newsclean clean`` from a folder outside the repo: no scrapy.cfg there,
only the installed package."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from tests.crawling import ROOT, crawl_environment
from tests.sites.record_demo import CASSETTE, DEMO_ARGUMENTS

NEWSCLEAN = str(Path(sys.executable).parent / "newsclean")


def _run(arguments: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSCLEAN, *arguments], cwd=folder, capture_output=True, text=True, timeout=300,
                          env=crawl_environment(), check=False)


def test_crawl_and_clean_run_from_any_folder(tmp_path):
    assert not (tmp_path / "scrapy.cfg").exists() and ROOT not in tmp_path.parents
    spider_arguments = [part for key, value in DEMO_ARGUMENTS.items() for part in ("-a", f"{key}={value}")]
    crawl = _run(["crawl", *spider_arguments, "-s", f"VCR_CASSETTE={CASSETTE}", "-O", "articles.jsonl"], tmp_path)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    articles = [json.loads(line) for line in (tmp_path / "articles.jsonl").read_text("utf-8").splitlines()]
    assert len(articles) >= 25
    # The project's defaults apply there: outcomes, learned rules and the archive under ./output.
    assert (tmp_path / "output" / "outcomes.jsonl").exists()
    archives = sorted((tmp_path / "output" / "warc").glob("*.warc.gz"))
    assert archives
    clean = _run(["clean", *map(str, archives), "-O", "again.jsonl"], tmp_path)
    assert clean.returncode == 0, clean.stderr
    again = {record["url"] for line in (tmp_path / "again.jsonl").read_text("utf-8").splitlines()
             if "error" not in (record := json.loads(line))}
    assert {a["url"] for a in articles} <= again
    # Parquet, the report and finishing a Parquet file, from the same folder outside the repo.
    parquet = _run(["clean", *map(str, archives), "-O", "again.parquet"], tmp_path)
    assert parquet.returncode == 0, parquet.stderr
    assert {row["url"] for row in pq.read_table(tmp_path / "again.parquet").to_pylist()} == again
    assert (tmp_path / "output" / "report.html").exists(), "the crawl wrote its report"
    report = _run(["report", "output", "-o", "remade.html"], tmp_path)
    assert report.returncode == 0 and "<svg" in (tmp_path / "remade.html").read_text("utf-8"), report.stderr
    finish = _run(["finish", "again.parquet"], tmp_path)
    assert finish.returncode == 0 and "nothing to finish" in finish.stderr


def test_a_bad_spider_argument_exits_2_and_no_command_shows_the_usage(tmp_path):
    bad = _run(["crawl", "-a", "since=2024-13-01", "-a", "urls=https://example.com/"], tmp_path)
    assert bad.returncode == 2 and "since" in bad.stderr
    usage = _run([], tmp_path)
    assert usage.returncode == 2 and "newsclean crawl" in usage.stderr
