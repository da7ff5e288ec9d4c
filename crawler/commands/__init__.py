"""The project's Scrapy commands (``COMMANDS_MODULE``): ``crawl`` with checks before it starts and
the project's exit-status rule."""
