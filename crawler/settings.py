"""Defaults for ``scrapy crawl news``. Every project setting is one documented constant here;
override any of them with ``-s NAME=VALUE`` or in a custom settings module."""

BOT_NAME = "newsclean"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` checks its arguments and outputs before starting, and exits 0 / 1 (a URL failed) /
# 2 (usage error): see crawler/commands/crawl.py.
COMMANDS_MODULE = "crawler.commands"

# Tell sites who you are: set this to your project and a contact address or URL.
USER_AGENT = "newsclean/0.1 (news research crawler; set USER_AGENT to your contact)"

# -- Politeness ------------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
# Scrapy (2.13+) starts this many asyncio tasks for every response's output, whatever its size; a
# page here yields one article and a few links, and 100 tasks a page were a quarter of the crawl
# process's CPU. With 4 a crawl with cleaning off goes about 40% faster (benchmarks.distributed).
CONCURRENT_ITEMS = 4
# No page worth cleaning is this large; bigger bodies are cut off and never held, inflated or parsed.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
# A 429/503 with Retry-After is retried after that pause, unless it asks for more than this (s).
RETRY_AFTER_MAX = 60
# Pages fetched per site beyond its entry points; past it, links are not followed (a calendar
# trap or an endless archive ends here; outcome page-limit). 0: no limit.
MAX_PAGES_PER_SITE = 10000
# The HTTP cache is off; turn it on with -s HTTPCACHE_ENABLED=true to re-run a crawl from disk.
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"

# -- Safety --------------------------------------------------------------------------------------
# Hosts that are or resolve to loopback, private, link-local or multicast addresses are refused,
# also after redirects. Allow them all (intranet crawls, tests) or name exceptions (host[:port]).
ALLOW_PRIVATE_ADDRESSES = False
ALLOWED_PRIVATE_HOSTS: list[str] = []
# The same policy where connections are made: the resolver hands Twisted only approved addresses,
# so a name that answers the check with a public address and the connection with a private one
# (DNS rebinding) is refused. GUARD_UPSTREAM_RESOLVER: the resolver it asks (default: Twisted's).
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"
GUARD_UPSTREAM_RESOLVER = None

# -- Output ----------------------------------------------------------------------------------------
# Articles go here (JSON Lines, appended across runs so a second crawl skips what it has) unless
# the command line names feeds: `-o FILE` appends elsewhere, `-O FILE` overwrites.
NEWS_DEFAULT_FEED = "output/articles.jsonl"
ADDONS = {"crawler.secrets.SecretsOutOfLogs": -10, "crawler.addons.DefaultArticleFeed": 0,
          "crawler.addons.RedisFrontier": 0}
FEED_EXPORT_ENCODING = "utf-8"
# One line per URL the crawl touched: article, not-article, duplicate, http-error... (empty: off).
OUTCOMES_FILE = "output/outcomes.jsonl"
# A self-contained HTML page of charts about the crawl, written when it ends (empty: off);
# `newsclean report OUTPUT_DIR` makes one from existing output files.
REPORT_FILE = "output/report.html"

# -- Cleaning --------------------------------------------------------------------------------------
# Worker processes that clean pages off the reactor thread (0: one per core).
CLEANER_WORKERS = 0
# Seconds one page may take to clean, and the address space of each cleaning worker (MiB); a page
# past either limit gets the outcome cleaning-error (timeout / out-of-memory). 0: no limit.
CLEANER_TIME_LIMIT = 30
CLEANER_MEMORY_LIMIT_MB = 2048
# Chrome-rules TOML files added to the built-in rules for every page of the crawl.
CLEANER_RULES: list[str] = []
# Which pages count as articles: "general" (news stories, blog posts, guides, reviews) or "news"
# (news stories only: for a crawl of news sites that follows links, it declines far more section
# fronts, tag pages, shops and service pages for the same share of stories kept).
ARTICLE_MODEL = "general"
# The article score (0 to 1) a page needs to be written as an article; None: the article model's
# own threshold, which keeps 0.99 of its articles. Higher declines more section, product and service
# pages and loses more articles: the operating points are in docs/cleaning.md.
ARTICLE_THRESHOLD: float | None = None

# Paragraphs found repeated across a site's pages are dropped as chrome; what was learned is
# written here as a chrome-rules file you can review and pass back with CLEANER_RULES (empty: off).
LEARNED_RULES_FILE = "output/learned-rules.toml"

# -- Many workers, one frontier (crawler/cluster) ----------------------------------------------------
# Set REDIS_URL (redis://[:password@]host:port/db) and run the same command on every worker: the
# frontier, request filter, collected-article index and page counts are then shared in Redis.
REDIS_URL = None
# Keys are REDIS_KEY_PREFIX:spider:...; two crawls on one Redis need two prefixes.
REDIS_KEY_PREFIX = "newsclean"
# This worker's name in Redis (default: the host's name); its process id is appended.
REDIS_WORKER_NAME = None
# A request a worker took goes back to the queue this long after its worker stopped renewing it.
LEASE_SECONDS = 60
# CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY hold for the whole cluster, not per worker.
CLUSTER_POLITENESS = True
# The shared seen-request filter: "exact" (16 bytes of fingerprint per URL in a Redis set) or "bloom"
# (a Redis bitmap sized for BLOOM_CAPACITY URLs at BLOOM_ERROR_RATE false positives: a new URL
# taken for seen is not fetched). See the README for the bytes per URL of each.
SEEN_FILTER = "exact"
BLOOM_CAPACITY = 100_000_000
BLOOM_ERROR_RATE = 0.001
# A worker closes once the frontier has been empty, with no lease outstanding, this long (s);
# 0: run as a service that waits for new seeds.
MAX_IDLE_TIME_BEFORE_CLOSE = 10

# -- Recording and replay --------------------------------------------------------------------------
# A vcrpy cassette to replay (and, with VCR_RECORD_MODE once/new_episodes/all, record) the crawl.
VCR_CASSETTE = None
VCR_RECORD_MODE = "none"

# -- Archive ---------------------------------------------------------------------------------------
# Every response fetched (robots.txt, sitemaps and feeds included) is kept as WARC/1.1, gzip per
# record, in files named by time and worker (crawler/warc.py); empty turns it off.
WARC_DIR = "output/warc"
# File names start with it: <prefix>-<UTC time>-<serial>-<worker>.warc.gz
WARC_PREFIX = "newsclean"
WARC_MAX_SIZE = 1024**3
# zlib level of each record: 3 costs a third of the CPU of 9 for files 11% larger.
WARC_GZIP_LEVEL = 3

# -- Components ------------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "crawler.pipelines.CleaningPipeline": 100,
    "crawler.pipelines.SiteBoilerplatePipeline": 150,
    "crawler.pipelines.DuplicatesPipeline": 300,
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.RetryAfterMiddleware": 550,
    "crawler.robots.RobotsOutcomeMiddleware": 30,
    "crawler.guard.AddressGuardMiddleware": 40,
    "crawler.guard.ConnectRefusal": 600,
    "crawler.incremental.AlreadyCollectedMiddleware": 50,
    "crawler.warc.WarcArchive": 900,
    "crawler.vcr.VcrMiddleware": 950,
}
EXTENSIONS = {
    "crawler.export.TornLineRepair": -10,
    "crawler.outcomes.OutcomeLog": 0,
    "crawler.report.CrawlReport": 10,
}
# Flushed per record, so a killed crawl loses no line it wrote.
FEED_EXPORTERS = {"jsonlines": "crawler.export.FlushingJsonLinesItemExporter",
                  "jsonl": "crawler.export.FlushingJsonLinesItemExporter",
                  "parquet": "crawler.export.ParquetItemExporter"}
# Parquet feeds: records per row group. Every record is journalled as it is written, so a kill
# loses none; a row group is sealed as a readable part file every this many records.
PARQUET_ROW_GROUP_ROWS = 1000
# With JOBDIR, a resumed crawl skips only URLs it finished (see crawler/dupefilter.py) and schedules
# again every request it had discovered but not finished (crawler/frontier.py), from any stop: a
# Ctrl-C, a SIGKILL, a machine gone. The queue itself stays in memory (crawler/scheduler.py).
DUPEFILTER_CLASS = "crawler.dupefilter.FinishedRequestsDupeFilter"
SCHEDULER = "crawler.scheduler.JournalledScheduler"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
# Dropped pages are named by their address in the log, not printed whole.
LOG_FORMATTER = "crawler.logformatter.PageNamingLogFormatter"
# No remote consoles into a running crawl: the telnet console and Scrapy's remote-control server
# both execute code sent to them.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
