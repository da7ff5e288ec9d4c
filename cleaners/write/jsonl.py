"""JSON Lines files that a killed writer may have left with a torn last line.

Every writer here (the crawl's feeds and outcomes file, its frontier journal, the command line's
``-o``) flushes whole lines; a kill can still land inside a write, leaving a last line without its
newline. It is cut off before anything is appended, so the file never holds an invalid line.
"""

from __future__ import annotations

import os
from pathlib import Path


def repair_torn_tail(path: Path) -> int:
    """Cut a last line that has no newline (a write the kill interrupted); returns bytes removed."""
    if not path.is_file() or path.stat().st_size == 0:
        return 0
    with path.open("rb+") as stream:
        size = stream.seek(0, os.SEEK_END)
        stream.seek(max(0, size - 1))
        if stream.read(1) == b"\n":
            return 0
        keep = 0
        position = size
        while position > 0:
            start = max(0, position - 65536)
            stream.seek(start)
            chunk = stream.read(position - start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                keep = start + newline + 1
                break
            position = start
        stream.truncate(keep)
        return size - keep
