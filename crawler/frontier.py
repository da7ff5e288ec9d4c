"""The spider's memory of a job: every URL it discovered, and what it decided about each.

A page whose links were followed (a section page, a feed, a sitemap) is finished once its outcome
is written, and a resumed job does not fetch it again; the requests it yielded lived only in the
killed process's scheduler. So each discovered URL is appended to ``JOBDIR/frontier.jsonl``, and
flushed, the moment it is discovered: before the page that listed it can be reported finished.
A resumed job replays the file: requests not finished yet are scheduled again (the dupefilter drops
the finished ones), and URLs refused before fetching (outside the date window, past the page
limit) are not reported a second time.

Without ``JOBDIR`` nothing is written and nothing is kept beyond the crawl.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import attrs

from cleaners.write.jsonl import repair_torn_tail

logger = logging.getLogger(__name__)

FILE_NAME = "frontier.jsonl"


@attrs.frozen(kw_only=True)
class Discovered:
    """A URL the spider found: a request it made (``callback`` set) or one it refused (``refused``)."""

    url: str
    site: int
    callback: str | None = None
    """The spider method that parses it; None for a URL refused before fetching."""
    depth: int = 0
    listing: bool = False
    listed: datetime | None = None
    """The date a feed or sitemap gave it, if any."""
    refused: str | None = None
    """The outcome it got instead of a request (``outside-date-window``, ``page-limit``)."""

    def to_json(self) -> str:
        line: dict[str, Any] = {"url": self.url, "site": self.site}
        if self.callback:
            line |= {"callback": self.callback, "depth": self.depth, "listing": self.listing}
        if self.listed is not None:
            line["listed"] = self.listed.isoformat()
        if self.refused:
            line["refused"] = self.refused
        return json.dumps(line, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Discovered:
        data = json.loads(line)
        listed = data.get("listed")
        return cls(url=data["url"], site=int(data["site"]), callback=data.get("callback"),
                   depth=int(data.get("depth", 0)), listing=bool(data.get("listing", False)),
                   listed=datetime.fromisoformat(listed) if listed else None, refused=data.get("refused"))


class FrontierJournal:
    """Append-only, flushed per line; a line torn by a kill is cut off when the job resumes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    @classmethod
    def in_job(cls, jobdir: str | None) -> FrontierJournal | None:
        return cls(Path(jobdir) / FILE_NAME) if jobdir else None

    def replay(self) -> Iterator[Discovered]:
        """What earlier runs of this job discovered, in order."""
        if not self.path.is_file():
            return
        repair_torn_tail(self.path)
        with self.path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    yield Discovered.from_json(line)
                except (ValueError, KeyError, TypeError):
                    logger.warning("%s line %d is not a frontier entry; skipped", self.path, number)

    def add(self, entry: Discovered) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write(entry.to_json() + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
