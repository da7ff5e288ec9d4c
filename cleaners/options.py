"""One frozen options object for the whole cleaning run (no keyword-argument sprawl, no globals)."""

from __future__ import annotations

from pathlib import Path

import attrs

from cleaners.body.article_model import DEFAULT_MODEL, MODEL_FILES, ArticleDecider
from cleaners.body.chrome import ChromeRules

DEFAULT_MAX_BYTES = 16 * 1024 * 1024
DEFAULT_TIME_LIMIT = 30.0
DEFAULT_MEMORY_LIMIT_MB = 2048


def article_score(value: object) -> float | None:
    """``value`` (a command-line word, a crawl setting) as an article score from 0 to 1; None when it
    is not one, for the caller to report in its own terms."""
    try:
        score = float(str(value))
    except ValueError:
        return None
    return score if 0 <= score <= 1 else None


@attrs.frozen(kw_only=True)
class CleanOptions:
    """How to clean. The defaults are what the benchmarks measure."""

    rules: ChromeRules = attrs.field(factory=ChromeRules.default)
    max_bytes: int = DEFAULT_MAX_BYTES
    favor_precision: bool = False
    favor_recall: bool = False
    time_limit: float | None = DEFAULT_TIME_LIMIT
    """Seconds one page may take to clean (None: no limit)."""
    memory_limit_mb: int | None = DEFAULT_MEMORY_LIMIT_MB
    """Address space of each worker process, in MiB (None: no limit; never applied in-process)."""
    any_page: bool = False
    """Take the main text of any page: no article-or-not decision."""
    article_model: str = attrs.field(default=DEFAULT_MODEL, validator=attrs.validators.in_(MODEL_FILES))
    """Which shipped model decides article or not: ``general`` (articles of every kind) or ``news``
    (news stories only; see ``article_model.MODEL_FILES``)."""
    article_decider: ArticleDecider | None = attrs.field(default=None, eq=False)
    """Decides article or not from the page's features (None: the shipped ``article_model``)."""
    article_threshold: float | None = attrs.field(default=None, validator=attrs.validators.optional(
        [attrs.validators.ge(0.0), attrs.validators.le(1.0)]))
    """The article score a page needs (None: the model's own, chosen to keep 0.99 of articles);
    higher declines more non-articles and loses more articles, as the model's operating points show."""

    @classmethod
    def with_rules_files(cls, paths: list[str | Path], **kwargs: object) -> CleanOptions:
        rules = ChromeRules.default()
        for path in paths:
            rules = rules.merged(ChromeRules.from_file(path))
        return cls(rules=rules, **kwargs)
