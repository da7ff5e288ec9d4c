"""Everything about a crawl that can be found wrong before it starts, found before it starts.

A bad spider argument, a rules file that does not parse, an unknown replay mode or an output that
cannot be written is a usage error: the crawl command exits with status 2 and a message naming it,
before a single URL is fetched (the exit-status rule is in the README).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings
from vcr.record_mode import RecordMode

from cleaners.body.article_model import MODEL_FILES
from cleaners.body.chrome import ChromeRules, RulesError
from cleaners.options import article_score
from crawler.cluster.filters import request_filter
from crawler.plan import PlanError, plan_from_arguments


class UsageProblem(ValueError):
    """What is wrong, naming the argument, setting or file."""


def check_crawl(spider_name: str, arguments: Mapping[str, Any], settings: BaseSettings) -> None:
    """Raise ``UsageProblem`` for the first thing that would make the crawl fail or mislead."""
    if spider_name == "news":
        try:
            plan_from_arguments(dict(arguments))
        except PlanError as error:
            raise UsageProblem(str(error)) from error
    for path in settings.getlist("CLEANER_RULES"):
        try:
            ChromeRules.from_file(path)
        except RulesError as error:
            raise UsageProblem(f"CLEANER_RULES: {error}") from error
    if settings.get("ARTICLE_THRESHOLD") is not None:
        _check_threshold(settings.get("ARTICLE_THRESHOLD"))
    if (model := settings.get("ARTICLE_MODEL")) and model not in MODEL_FILES:
        raise UsageProblem(f"ARTICLE_MODEL {model!r} is not one of {', '.join(sorted(MODEL_FILES))}")
    mode = str(settings.get("VCR_RECORD_MODE") or "none").lower()
    if settings.get("VCR_CASSETTE") and mode not in {m.value for m in RecordMode}:
        raise UsageProblem(f"VCR_RECORD_MODE {mode!r} is not one of {', '.join(m.value for m in RecordMode)}")
    if redis_url := settings.get("REDIS_URL"):
        _check_cluster(str(redis_url), settings)
    for what, path in _outputs(settings):
        _check_writable(what, path)
    for path in _appended_parquet(settings):
        from cleaners.write.parquet import NotParquet, check_appendable  # pyarrow only for Parquet feeds

        try:
            check_appendable(path)
        except NotParquet as error:
            raise UsageProblem(f"output: {error}") from error


def _check_threshold(value: object) -> None:
    if article_score(value) is None:
        raise UsageProblem(f"ARTICLE_THRESHOLD {value!r} is not an article score between 0 and 1")


def _check_cluster(redis_url: str, settings: BaseSettings) -> None:
    if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise UsageProblem("REDIS_URL must be redis://, rediss:// or unix:// (for example redis://host:6379/0)")
    try:
        request_filter(settings.get("SEEN_FILTER"))
    except ValueError as error:
        raise UsageProblem(str(error)) from error
    if not 0 < settings.getfloat("BLOOM_ERROR_RATE") < 1 or settings.getint("BLOOM_CAPACITY") < 1:
        raise UsageProblem("BLOOM_ERROR_RATE must be between 0 and 1, and BLOOM_CAPACITY at least 1")


def _outputs(settings: BaseSettings) -> Iterator[tuple[str, Path]]:
    feeds = settings.getdict("FEEDS")
    if not feeds and settings.get("NEWS_DEFAULT_FEED"):
        yield "NEWS_DEFAULT_FEED", Path(settings.get("NEWS_DEFAULT_FEED"))
    for uri in feeds:
        uri = str(uri)
        scheme = urlsplit(uri).scheme
        if "%(" not in uri and (scheme in ("", "file") or len(scheme) == 1):
            yield "output", Path(uri.removeprefix("file://"))
    for name in ("OUTCOMES_FILE", "LEARNED_RULES_FILE"):
        if value := settings.get(name):
            yield name, Path(value)
    if jobdir := settings.get("JOBDIR"):
        yield "JOBDIR", Path(jobdir) / "frontier.jsonl"


def _appended_parquet(settings: BaseSettings) -> Iterator[Path]:
    for uri, options in settings.getdict("FEEDS").items():
        uri = str(uri)
        scheme = urlsplit(uri).scheme
        local = scheme in ("", "file") or len(scheme) == 1
        if local and options.get("format") == "parquet" and not options.get("overwrite") and "%(" not in uri:
            yield Path(uri.removeprefix("file://"))


def _check_writable(what: str, path: Path) -> None:
    """Create the file's folder and open the file for appending; a file this made is removed again."""
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        where = f": {error.filename}" if error.filename and str(error.filename) != str(path) else ""
        raise UsageProblem(f"{what} {path} cannot be written ({error.strerror or error}{where})") from error
    if not existed:
        path.unlink(missing_ok=True)
