"""Record the demo site's crawl into ``cassettes/demo-news.yaml``: ``python -m tests.sites.record_demo``.

The site is served on 127.0.0.1 and the crawler reaches ``demo-news.example`` through it as an
HTTP proxy, so the cassette holds the real host name and replays with no server at all.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.crawling import ROOT, run_crawl
from tests.sites.demo import DEMO_BASE, build_demo_site
from tests.sites.server import serving

CASSETTE = ROOT / "cassettes" / "demo-news.yaml"
DEMO_ARGUMENTS = {"site": f"{DEMO_BASE}/", "follow": "true", "max_depth": "1"}


def main() -> int:
    CASSETTE.unlink(missing_ok=True)
    with serving(build_demo_site()) as proxy, tempfile.TemporaryDirectory() as out:
        result = run_crawl(Path(out), DEMO_ARGUMENTS, overwrite=True,
                           settings={"VCR_CASSETTE": str(CASSETTE), "VCR_RECORD_MODE": "all"},
                           env={"http_proxy": proxy})
    print(f"recorded {CASSETTE}: {len(result.articles)} articles, {len(result.outcomes)} outcomes")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
