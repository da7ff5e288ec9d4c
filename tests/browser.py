"""Headless Chromium (Debian's ``chromium``, installed by ``make system-deps``) opening a page
served from 127.0.0.1, for tests of what a browser does with the crawl report."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import attrs


@attrs.frozen
class Rendered:
    screenshot: bytes
    console: list[str]
    """Every console message the page produced (errors, CSP violations, logs)."""


def render(url: str, width: int = 1200, height: int = 2400) -> Rendered:
    binary = shutil.which("chromium")
    if binary is None:
        raise RuntimeError("chromium is not installed (Debian: apt-get install chromium; make system-deps does)")
    with tempfile.TemporaryDirectory() as folder:
        shot = Path(folder) / "shot.png"
        result = subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={folder}/profile", "--enable-logging=stderr", "--v=0",
             f"--window-size={width},{height}", f"--screenshot={shot}", url],
            capture_output=True, text=True, timeout=120, check=False)
        if not shot.exists():
            raise RuntimeError(f"chromium made no screenshot (exit {result.returncode}): {result.stderr[-2000:]}")
        console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
        return Rendered(shot.read_bytes(), console)
