"""Another team's Scrapy project, made in a temporary folder, and ``scrapy crawl`` run in it: how
the add-on and the web-poet page object are tested from outside this repo's own project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.crawling import crawl_environment


def make_project(folder: Path, name: str, settings: str, spider: str) -> None:
    """``folder/scrapy.cfg`` and the package ``name`` with its settings and one spider module."""
    (folder / "scrapy.cfg").write_text(f"[settings]\ndefault = {name}.settings\n")
    (folder / name / "spiders").mkdir(parents=True)
    (folder / name / "__init__.py").write_text("")
    (folder / name / "settings.py").write_text(f'BOT_NAME = "{name}"\nSPIDER_MODULES = ["{name}.spiders"]\n{settings}')
    (folder / name / "spiders" / "__init__.py").write_text("")
    (folder / name / "spiders" / f"{name}.py").write_text(spider)


def crawl_in(folder: Path, spider: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl SPIDER`` in the project at ``folder``, found through its ``scrapy.cfg``."""
    environment = {k: v for k, v in crawl_environment().items() if k != "SCRAPY_SETTINGS_MODULE"}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", spider, *arguments], cwd=folder, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)
