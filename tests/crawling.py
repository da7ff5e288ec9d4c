"""Run ``scrapy crawl news`` as a user would (a subprocess from the project root) and read what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

ROOT = Path(__file__).resolve().parents[1]
FAST = {"AUTOTHROTTLE_ENABLED": "false", "DOWNLOAD_DELAY": "0", "CLEANER_WORKERS": "2", "LOG_LEVEL": "INFO",
        "ALLOW_PRIVATE_ADDRESSES": "true"}


@attrs.frozen
class CrawlResult:
    returncode: int
    log: str
    articles: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    stats: str

    def outcome_of(self, url_end: str) -> list[str]:
        return [o["outcome"] for o in self.outcomes if o["url"].endswith(url_end)]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def crawl_command(out: Path, arguments: dict[str, str], settings: dict[str, str] | None = None,
                  overwrite: bool = False) -> list[str]:
    """``scrapy crawl news`` writing ``out/articles.jsonl``, ``out/outcomes.jsonl`` and ``out/warc/``."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "scrapy", "crawl", "news",
               "-O" if overwrite else "-o", str(out / "articles.jsonl")]
    for key, value in arguments.items():
        command += ["-a", f"{key}={value}"]
    written = {"OUTCOMES_FILE": str(out / "outcomes.jsonl"), "LEARNED_RULES_FILE": str(out / "learned-rules.toml"),
               "WARC_DIR": str(out / "warc"), "REPORT_FILE": str(out / "report.html")}
    for key, value in {**FAST, **written, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    return command


def crawl_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without proxies (tests talk to 127.0.0.1 directly), plus ``env``."""
    environment = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    return {**environment, **(env or {})}


def run_crawl(out: Path, arguments: dict[str, str], settings: dict[str, str] | None = None,
              env: dict[str, str] | None = None, overwrite: bool = False, timeout: float = 300) -> CrawlResult:
    """Crawl into ``out/articles.jsonl`` and ``out/outcomes.jsonl`` (appending unless ``overwrite``)."""
    command = crawl_command(out, arguments, settings, overwrite)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                            env=crawl_environment(env), check=False)
    stats = result.stderr[result.stderr.rfind("Dumping Scrapy stats"):]
    return CrawlResult(result.returncode, result.stderr, read_jsonl(out / "articles.jsonl"),
                       read_jsonl(out / "outcomes.jsonl"), stats)
