"""Why a page gave no article: one exception type with a machine-readable kind.

The command line and the crawler turn these into records naming the input, so one bad page
never stops a batch and never ends in a traceback.
"""

from __future__ import annotations

from enum import StrEnum


class FailureKind(StrEnum):
    """The reasons a page gives no article. ``NOT_ARTICLE`` is an outcome, not a fault."""

    EMPTY = "empty"
    BINARY = "binary"
    NOT_HTML = "not-html"
    UNDECODABLE = "undecodable"
    TOO_LARGE = "too-large"
    TOO_DEEP = "too-deep"
    UNREADABLE = "unreadable"
    TIMEOUT = "timeout"
    OUT_OF_MEMORY = "out-of-memory"
    NOT_ARTICLE = "not-article"
    INTERNAL = "internal-error"


class CleaningError(Exception):
    """A page that cannot become an article, with the reason in words a user can act on."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message

    @property
    def is_failure(self) -> bool:
        """True when the input is faulty; False when it is merely not an article."""
        return self.kind is not FailureKind.NOT_ARTICLE


def failure_record(source: str, error: CleaningError, url: str | None = None) -> dict[str, dict[str, str]]:
    """The JSONL line written in place of an article (see the ``Failure`` schema)."""
    record = {"input": source, "kind": str(error.kind), "message": error.message}
    if url:
        record["url"] = url
    return {"error": record}
