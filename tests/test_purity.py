"""The cleaners are a library of pure functions: importing and running them never loads Scrapy."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import pkgutil, importlib, sys
import cleaners
for module in pkgutil.walk_packages(cleaners.__path__, "cleaners."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
cleaners.clean_html("<html><body><article><p>" + "words " * 50 + "</p></article></body></html>")
loaded = sorted(name for name in sys.modules if name == "scrapy" or name.startswith(("scrapy.", "twisted")))
print(",".join(loaded))
"""


def test_cleaners_never_import_scrapy_or_twisted():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == ""
