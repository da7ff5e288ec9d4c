"""No secret in any log line or output file: a crawl on a TLS Redis (``rediss://``) with an ACL
user and password, every log and output then searched for the password."""

from __future__ import annotations

import gzip
import logging
import subprocess
import sys

import pytest

from cleaners.redact import redact
from crawler.secrets import mask_record
from tests.crawling import ROOT, crawl_environment, run_crawl
from tests.redis_server import redis_server
from tests.sites.server import Site, serving
from tests.sites.small import fill_small_site

PASSWORD = "s3cr3t-Pa55word-9f2c"


@pytest.mark.parametrize("text, shown", [
    ("redis://:hunter2@host:6379/0", "redis://:***@host:6379/0"),
    ("rediss://crawler:hunter2@redis.internal:6380/1?ssl_ca_certs=/ca.pem", "rediss://crawler:***@redis.internal:6380/1"),
    ("{'REDIS_URL': 'redis://user:p%40ss@h/0'}", "{'REDIS_URL': 'redis://user:***@h/0'}"),
    ("https://api.example/feed?token=abc123&page=2", "https://api.example/feed?token=***&page=2"),
    ("http://example.com/a@b and redis://host:6379/0", "http://example.com/a@b and redis://host:6379/0"),
])
def test_passwords_in_urls_are_masked(text, shown):
    assert redact(text).startswith(shown)
    assert "hunter2" not in redact(text) and "abc123" not in redact(text) and "p%40ss" not in redact(text)


def _everything_written(folder) -> str:
    texts = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts.append((gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace"))
    return "\n".join(texts)


def test_a_crawl_on_tls_redis_with_an_acl_user_writes_its_password_nowhere(tmp_path):
    site = Site()
    with serving(site) as base, redis_server(tls=True, user=("crawler", PASSWORD)) as server:
        fill_small_site(site, base)
        assert server.url.startswith("rediss://crawler:")
        result = run_crawl(tmp_path / "out", {"urls": f"{base}/news/1.html,{base}/news/2.html,{base}/missing.html"},
                           settings={"REDIS_URL": server.url, "MAX_IDLE_TIME_BEFORE_CLOSE": "1", "LOG_LEVEL": "DEBUG"})
        status = subprocess.run([sys.executable, "-m", "crawler.cluster", "status"], cwd=ROOT, capture_output=True,
                                text=True, timeout=60, check=False,
                                env=crawl_environment({"NEWSCLEAN_REDIS_URL": server.url}))
    assert result.returncode == 1, result.log[-3000:]  # the missing page is an http-error
    assert len(result.articles) == 2, "the crawl used the shared frontier over TLS as the ACL user"
    assert "in Redis at rediss://crawler:***@127.0.0.1" in result.log, "the start-up line names the server, masked"
    assert status.returncode == 0, status.stderr
    for where, text in (("the crawl's log", result.log), ("the status command", status.stdout + status.stderr),
                        ("the output files", _everything_written(tmp_path / "out"))):
        assert PASSWORD not in text, f"the password is in {where}"


def test_log_records_are_masked_in_their_message_arguments_and_traceback():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "connecting to %s failed", (f"redis://:{PASSWORD}@h/0",),
                               None)
    try:
        raise ConnectionError(f"cannot reach rediss://u:{PASSWORD}@h:6380/0")
    except ConnectionError:
        record.exc_info = sys.exc_info()
    text = logging.Formatter().format(mask_record(record))
    assert PASSWORD not in text and "redis://:***@h/0" in text and "rediss://u:***@h:6380/0" in text
