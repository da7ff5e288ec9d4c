"""``newsclean``: one command for both jobs, wherever the package is installed.

    newsclean crawl -a site=https://example.com/ -o articles.jsonl   # scrapy crawl news, no scrapy.cfg needed
    newsclean clean saved/ -o articles.jsonl                         # python -m cleaners
    newsclean finish articles.parquet                                # complete a killed run's Parquet
    newsclean report output/                                         # the crawl report of an output folder

``newsclean PATH...`` (no subcommand) still cleans, as before there were two.
"""

from __future__ import annotations

import sys

USAGE = """usage: newsclean {crawl,clean,report,finish} ...

  newsclean crawl [-a NAME=VALUE ...] [-s NAME=VALUE ...] [-o FILE | -O FILE]
      crawl news sites with the news spider (Scrapy's options; see `newsclean crawl -h`)
  newsclean clean PATH... [-o FILE | -O FILE] [options]
      clean saved pages and WARC archives into JSONL or Parquet (see `newsclean clean -h`)
  newsclean report OUTPUT_DIR [-o FILE]
      the crawl report (one HTML page of charts) from a crawl's output folder
  newsclean finish FILE.parquet...
      complete Parquet outputs that a killed crawl or clean left unfinished
"""


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments or arguments[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if arguments else sys.stderr)
        return 0 if arguments else 2
    command, rest = arguments[0], arguments[1:]
    if command == "crawl":
        from crawler.run import crawl  # Scrapy is loaded only for a crawl

        return crawl(rest)
    if command == "report":
        from cleaners.write.report import report_command

        return report_command(rest)
    if command == "finish":
        from cleaners.write.parquet import finish_command

        return finish_command(rest)
    from cleaners.cli import main as clean

    return clean(rest if command == "clean" else arguments, prog="newsclean clean")
