"""Saved pages on disk to ``Page`` records: files, folders (recursive), globs, ``.html.gz``; WARC
files are listed here and read by ``cleaners.read.warc_reader``.

Discovery only lists paths, so the reading (and the decompression, which can be the expensive
part) happens in the worker that cleans the page.
"""

from __future__ import annotations

import glob
import gzip
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from cleaners.errors import CleaningError, FailureKind
from cleaners.read.page import Page

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz", ".warc", ".warc.gz")


class InputNotFound(ValueError):
    """A path the user named that matches no file."""


def _is_page(path: Path) -> bool:
    return path.name.lower().endswith(PAGE_SUFFIXES)


def discover(arguments: Iterable[str]) -> Iterator[Path]:
    """Every page file the arguments name, in argument order; folders sorted by path.

    A file named directly is taken whatever its suffix (the user asked for it); inside folders
    and globs only page suffixes count, so a folder of mixed files works.
    """
    for argument in arguments:
        path = Path(argument)
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and _is_page(p))
        elif matches := sorted(glob.glob(argument, recursive=True)):
            for match in map(Path, matches):
                if match.is_file() and _is_page(match):
                    yield match
                elif match.is_dir():
                    yield from discover([str(match)])
        else:
            raise InputNotFound(f"{argument}: no such file, folder or glob match")


def read_body(path: Path, max_bytes: int) -> bytes:
    """The page's bytes, inflated when gzipped, never more than ``max_bytes`` + 1 of them."""
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                body = stream.read(max_bytes + 1)
        else:
            if path.stat().st_size > max_bytes:
                raise CleaningError(FailureKind.TOO_LARGE,
                                    f"the file is {path.stat().st_size:,} bytes, over the limit of {max_bytes:,}")
            body = path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise CleaningError(FailureKind.UNREADABLE, f"the gzip data is truncated or corrupt ({error})") from error
    except OSError as error:
        raise CleaningError(FailureKind.UNREADABLE, f"the file cannot be read ({error.strerror or error})") from error
    if len(body) > max_bytes:
        raise CleaningError(FailureKind.TOO_LARGE, f"the page inflates past the limit of {max_bytes:,} bytes")
    return body


def page_from_file(path: Path, url: str | None, max_bytes: int) -> Page:
    """A saved page; its download time is the file's modification time."""
    body = read_body(path, max_bytes)
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return Page(body=body, url=url, fetched_at=fetched_at, source=str(path))
